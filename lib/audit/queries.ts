import "server-only";
import { z } from "zod";
import { searchTextSchema } from "@/lib/http/search-text";
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";

// Reading the audit trail: filters from the URL, newest first, keyset pagination on (at, id).

const optionalText = searchTextSchema;
const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : /Z|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "Not a date" });
      return z.NEVER;
    }
    return d;
  });

export const auditFilterSchema = z.object({
  actor: optionalText,
  action: optionalText,
  target: optionalText,
  from: optionalDate,
  to: optionalDate,
  cursor: optionalText,
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

export interface AuditRow {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  outcome: string;
  details: Prisma.JsonValue;
  /** Tallied events (e.g. unknown API keys per address and hour): how many, and the last one's time. */
  count: number;
  lastAt: Date | null;
}

function encodeCursor(row: { at: Date; id: bigint }): string {
  return Buffer.from(`${row.at.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: bigint } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  if (!at || !id || !/^\d+$/.test(id)) return null;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? null : { at: date, id: BigInt(id) };
}

/** One page of events matching the filter; `nextCursor` continues after the last row. */
export async function listAuditEvents(
  filter: Partial<AuditFilter>,
  limit = 50,
): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (filter.actor) {
    and.push({
      OR: [
        { actorId: filter.actor },
        { actorLabel: { contains: filter.actor, mode: "insensitive" } },
        { actorType: filter.actor },
      ],
    });
  }
  if (filter.action) and.push({ action: { startsWith: filter.action } });
  if (filter.target) {
    const [type, id] = filter.target.includes(":") ? filter.target.split(":", 2) : [undefined, filter.target];
    and.push(type ? { targetType: type, targetId: id } : { targetId: filter.target });
  }
  if (filter.from) and.push({ at: { gte: filter.from } });
  if (filter.to) and.push({ at: { lt: filter.to } });
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
  if (cursor) and.push({ OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] });

  const rows = await db().auditEvent.findMany({
    where: { AND: and },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ tallyKey: _tallyKey, ...r }) => ({ ...r, id: r.id.toString() })),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
