import "server-only";
// What every staff change of a connection shares: who acts (and how the audit names them), loading the
// row, the connection's own event log, and the answer when the secret store refuses a secret.
import { z } from "zod";
import type { AuditActor } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { SecretStoreError } from "@/lib/secrets/types";
import type { ConnectionRecord } from "./records";

export interface Actor {
  id: string;
  email: string;
  ip: string | null;
}

export const auditActor = (actor: Actor): AuditActor => ({ type: "staff", id: actor.id, label: actor.email });
export const setBy = (actor: Actor) => `staff:${actor.id}`;

export function storeFailure(error: unknown): AppError {
  if (error instanceof SecretStoreError) {
    return new AppError(
      "UNAVAILABLE",
      `The secret store did not accept the client secret (${error.kind}); nothing was changed. Try again.`,
      {
        internal: error.message,
        cause: error,
      },
    );
  }
  return new AppError(
    "UNAVAILABLE",
    "The secret store did not accept the client secret; nothing was changed. Try again.",
    { cause: error },
  );
}

export async function findConnection(id: string): Promise<ConnectionRecord> {
  const parsed = z.uuid().safeParse(id);
  const connection = parsed.success ? await db().connection.findUnique({ where: { id: parsed.data } }) : null;
  if (!connection) throw new AppError("NOT_FOUND", "This connection does not exist (it may have been deleted).");
  return connection;
}

export async function event(
  connectionId: string,
  data: { type: string; ok: boolean; message?: string; actor?: string; latencyMs?: number; httpStatus?: number | null },
) {
  await db().connectionEvent.create({ data: { connectionId, ...data, httpStatus: data.httpStatus ?? null } });
}
