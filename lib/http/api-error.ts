import "server-only";
import { ZodError } from "zod";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/** Maps any error of a route handler to a JSON answer; internal messages never reach the client. */
export function handleApiError(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> =
      error.retryAfterSeconds === undefined ? {} : { "retry-after": String(error.retryAfterSeconds) };
    return Response.json(
      { error: { code: error.code, message: error.userMessage } },
      { status: error.status, headers },
    );
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return Response.json(
      { error: { code: "BAD_REQUEST", message: "The request body is not valid.", issues } },
      { status: 400 },
    );
  }
  const reference = crypto.randomUUID();
  log().error(
    {
      reference,
      err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
    },
    "unhandled API error",
  );
  return Response.json(
    { error: { code: "INTERNAL", message: `Something went wrong on our side. Reference: ${reference}` } },
    { status: 500 },
  );
}
