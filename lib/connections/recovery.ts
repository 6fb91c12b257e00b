import "server-only";
// A staff-entered client secret whose process died between the seal and the store (lib/secrets/pending.ts)
// is stored by the recovery sweep; this hook then points the connection at it, as the interrupted
// create or rotation would have (registered by lib/server/start.ts).
import { z } from "zod";
import { log } from "@/lib/log";
import { onPendingSecretStored } from "@/lib/secrets";
import { originOf } from "./records";
import { bumpTokenFence } from "./token-lease";

const contextSchema = z.object({ operation: z.enum(["create", "rotate"]), setBy: z.string() });

/** The completion hook of a connection secret stored late. */
export function registerConnectionSecretRecovery(): void {
  onPendingSecretStored("connection-secret", async (tx, info) => {
    const context = contextSchema.safeParse(info.context);
    if (!info.connectionId || !context.success) return;
    const connection = await tx.connection.findUnique({
      where: { id: info.connectionId },
      select: { id: true, secretVersionId: true, tokenUrl: true, apiBaseUrl: true },
    });
    if (!connection || connection.secretVersionId === info.ref.versionId) return;
    const now = new Date();
    await tx.connection.update({
      where: { id: connection.id },
      data: {
        secretName: info.ref.name,
        secretVersionId: info.ref.versionId,
        ...(context.data.operation === "rotate" ? { previousSecretVersionId: connection.secretVersionId } : {}),
        secretSetAt: now,
        secretSetBy: context.data.setBy,
        // The secret is bound to the URLs it was entered for (records.ts).
        secretTokenOrigin: originOf(connection.tokenUrl),
        secretApiOrigin: connection.apiBaseUrl ? originOf(connection.apiBaseUrl) : null,
        cooldownUntil: null,
        consecutiveFailures: 0,
      },
    });
    // The token belonged to the old secret (rotation): dropped, and no token request in flight may write one.
    await tx.connectionToken.deleteMany({ where: { connectionId: connection.id } });
    await bumpTokenFence(tx, connection.id);
    await tx.connectionEvent.create({
      data: {
        connectionId: connection.id,
        type: context.data.operation === "rotate" ? "rotated" : "secret_stored",
        ok: true,
        actor: context.data.setBy,
        message: `The client secret was stored after the server handling the ${context.data.operation === "rotate" ? "rotation" : "creation"} stopped (${info.recovered ? "picked up by recovery" : `after ${info.attempts} attempts`}).`,
      },
    });
    log().info(
      { connectionId: connection.id, versionId: info.ref.versionId, operation: context.data.operation },
      "connection secret stored by recovery",
    );
  });
}
