import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** Answers of the read API are per caller and may change at any moment: never cached. */
export const NO_STORE = { "cache-control": "no-store" } as const;

const issuesText = (error: z.ZodError) => error.issues.map((i) => i.message).join(" ");

/**
 * The query string parsed by `schema` (a strict z.object). A parameter given twice, an unknown one
 * (a typo would otherwise silently widen the answer) or an invalid value is a 400 naming it.
 */
export function parseQuery<S extends z.ZodObject>(url: URL, schema: S): z.output<S> {
  const seen = new Set<string>();
  const raw: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (seen.has(name))
      throw new AppError("BAD_REQUEST", `The query parameter ${name} is given more than once: give it once.`);
    seen.add(name);
    raw[name] = value;
  }
  const known = Object.keys(schema.shape);
  const unknown = [...seen].filter((name) => !known.includes(name));
  if (unknown.length)
    throw new AppError(
      "BAD_REQUEST",
      `Unknown query parameter ${unknown.join(", ")}: this route takes ${known.join(", ")}.`,
    );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("BAD_REQUEST", issuesText(parsed.error));
  return parsed.data;
}

/**
 * A JSON answer passed through its documented schema first: the answer always matches the OpenAPI
 * document, and a field the schema does not name (a column added later) never leaves.
 */
export function jsonAnswer<S extends z.ZodType>(
  schema: S,
  data: z.input<S>,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return Response.json(schema.parse(data), { status: init.status ?? 200, headers: { ...NO_STORE, ...init.headers } });
}
