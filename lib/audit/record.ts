import "server-only";
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";

export type AuditActor =
  | { type: "staff"; id: string; label: string }
  | { type: "api-key"; id: string; label: string }
  | { type: "system"; label?: string }
  | { type: "anonymous"; label?: string };

export interface AuditEntry {
  actor: AuditActor;
  /** dotted verb, e.g. "seller.created", "link.revoked", "staff.sign_in", "connection.rotated" */
  action: string;
  target?: { type: string; id: string };
  ip?: string | null;
  outcome?: "success" | "failure" | "denied";
  /** Non-secret details only. */
  details?: Prisma.InputJsonValue;
}

type Tx = Pick<ReturnType<typeof db>, "auditEvent">;

/** Appends one audit event (append-only: nothing in the app updates or deletes them). */
export async function recordAudit(entry: AuditEntry, tx: Tx = db()): Promise<void> {
  await tx.auditEvent.create({
    data: {
      actorType: entry.actor.type,
      actorId: "id" in entry.actor ? entry.actor.id : null,
      actorLabel: entry.actor.label ?? null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: entry.ip ?? null,
      outcome: entry.outcome ?? "success",
      details: entry.details,
    },
  });
}
