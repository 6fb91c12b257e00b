import "server-only";
// Rotating a connection's client secret: verified with the provider first, then stored as the current
// version; the previous version stays referenced until staff confirm the rotation.
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError, err, ok, type Result } from "@/lib/errors";
import { log } from "@/lib/log";
import { connectionSecretName, storeSecretDurably } from "@/lib/secrets/index";
import { SecretStoreError } from "@/lib/secrets/types";
import { noteConnectionHealth } from "@/lib/webhooks/emit";
import { tokenBroker, type ChangeNotice, type TokenBroker } from "./broker";
import { PROVIDER_LABELS } from "./providers/hosts";
import { originOf } from "./records";
import { rotateSecretInput } from "./schemas";
import { auditActor, event, findConnection, storeFailure, type Actor } from "./staff-changes";
import { freshToken } from "./test-connection";

/**
 * Rotate: a token is fetched with the new secret first; only then is it stored as the current version
 * (the previous version stays referenced until the rotation is confirmed). A failed verification
 * changes nothing.
 */
export async function rotateSecret(
  id: string,
  raw: { clientSecret: string },
  actor: Actor,
  broker: TokenBroker = tokenBroker(),
): Promise<Result<{ versionId: string }, AppError>> {
  const { clientSecret } = rotateSecretInput.parse(raw);
  const connection = await findConnection(id);
  const verified = await freshToken(connection, clientSecret);
  if (!verified.ok) {
    const message = `The new secret was not accepted, so nothing was changed: ${verified.error.userMessage}`;
    await event(id, { type: "rotation_failed", ok: false, message: message.slice(0, 500), actor: actor.email });
    await recordAudit({
      actor: auditActor(actor),
      action: "connection.rotation_failed",
      target: { type: "connection", id },
      ip: actor.ip,
      outcome: "failure",
      details: { reason: verified.error.userMessage.slice(0, 300) },
    });
    return err(new AppError(verified.error.code, message));
  }
  const name = connection.secretName ?? connectionSecretName(id);
  let versionId: string;
  let notice: ChangeNotice | undefined;
  try {
    const outcome = await storeSecretDurably({
      input: {
        name,
        value: clientSecret,
        kind: "connection-secret",
        tags: { connection: id, provider: connection.provider.toLowerCase() },
        // A retried submit of the same rotation makes no second version.
        idempotencyKey: `connection-rotate:${id}:${connection.secretVersionId ?? "none"}`,
        description: `Client secret of the ${PROVIDER_LABELS[connection.provider]} connection "${connection.name}"`,
      },
      connectionId: id,
      context: { operation: "rotate", setBy: actor.email },
      onStoreFailure: "erase",
      onStored: async (tx, ref) => {
        await noteConnectionHealth(tx, id, { ok: true });
        await tx.connection.update({
          where: { id },
          data: {
            secretName: name,
            secretVersionId: ref.versionId,
            previousSecretVersionId: connection.secretVersionId,
            secretSetAt: new Date(),
            secretSetBy: actor.email,
            secretTokenOrigin: originOf(connection.tokenUrl),
            secretApiOrigin: connection.apiBaseUrl ? originOf(connection.apiBaseUrl) : null,
            lastSuccessAt: new Date(),
            consecutiveFailures: 0,
            cooldownUntil: null,
          },
        });
        // The verification token is good: it becomes the current token (the old one belonged to the old secret).
        await broker.storeToken(id, verified.data, tx);
        // Every instance drops the old secret's token from memory.
        notice = await broker.announce(id, tx);
      },
    });
    if (outcome.outcome !== "stored")
      throw new SecretStoreError("unknown", "the secret store did not take the client secret");
    versionId = outcome.ref.versionId;
  } catch (error) {
    const failure = storeFailure(error);
    await event(id, { type: "rotation_failed", ok: false, message: failure.userMessage, actor: actor.email });
    return err(failure);
  }
  await notice?.delivered();
  await event(id, {
    type: "rotated",
    ok: true,
    latencyMs: verified.data.latencyMs,
    httpStatus: verified.data.httpStatus,
    actor: actor.email,
    message: "New secret verified with a token request and stored as the current version.",
  });
  await recordAudit({
    actor: auditActor(actor),
    action: "connection.rotated",
    target: { type: "connection", id },
    ip: actor.ip,
    details: { secretName: name, versionId, previousVersionId: connection.secretVersionId },
  });
  log().info({ connectionId: id, versionId }, "connection secret rotated");
  return ok({ versionId });
}

/** Confirms a rotation: the previous secret version is no longer kept as a fallback reference. */
export async function confirmRotation(id: string, actor: Actor): Promise<void> {
  const connection = await findConnection(id);
  if (!connection.previousSecretVersionId) return;
  await db().connection.update({ where: { id }, data: { previousSecretVersionId: null } });
  await event(id, { type: "rotation_confirmed", ok: true, actor: actor.email });
  await recordAudit({
    actor: auditActor(actor),
    action: "connection.rotation_confirmed",
    target: { type: "connection", id },
    ip: actor.ip,
    details: { previousVersionId: connection.previousSecretVersionId },
  });
}
