import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { db, type Tx } from "@/lib/db/client";
import { tallyKey } from "@/lib/rate-limit/tally";
import type { AuditAction } from "@/lib/audit/actions";

export type { AuditAction } from "@/lib/audit/actions";

export type AuditActor =
  | { type: "staff"; id: string; label: string }
  | { type: "api-key"; id: string; label: string }
  | { type: "system"; label?: string }
  | { type: "anonymous"; label?: string };

export interface AuditEntry {
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  ip?: string | null;
  outcome?: "success" | "failure" | "denied";
  /** Non-secret details only. */
  details?: Prisma.InputJsonValue;
}

type AuditWriter = Pick<Tx, "auditEvent">;

/** Appends one audit event (append-only: nothing in the app deletes them; only tallies below count up). */
export async function recordAudit(entry: AuditEntry, tx: AuditWriter = db()): Promise<void> {
  await tx.auditEvent.create({ data: auditRow(entry) });
}

/** The row an entry is written as. */
function auditRow(entry: AuditEntry) {
  return {
    actorType: entry.actor.type,
    actorId: "id" in entry.actor ? entry.actor.id : null,
    actorLabel: entry.actor.label ?? null,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    ip: entry.ip ?? null,
    outcome: entry.outcome ?? "success",
    details: entry.details,
  } satisfies Prisma.AuditEventUncheckedCreateInput;
}

/**
 * Counts a repeated event on one row per `parts` and hour (e.g. unknown API keys per address): the first
 * one writes the row as `recordAudit` would, later ones add to its count and last time. One statement.
 */
export async function recordAuditTally({
  entry,
  parts,
  now = new Date(),
}: {
  entry: AuditEntry;
  parts: (string | null)[];
  now?: Date;
}): Promise<void> {
  const key = tallyKey(parts, now);
  await db().auditEvent.upsert({
    where: { tallyKey: key },
    create: { ...auditRow(entry), at: now, tallyKey: key, lastAt: now },
    update: { count: { increment: 1 }, lastAt: now },
  });
}
