import "server-only";
// A connection's life as staff change it: create, edit, disable/enable, delete. Every change is audited;
// the client secret only ever goes into the secret store.
import { randomUUID } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { connectionSecretName, secretStore, storeSecretDurably } from "@/lib/secrets/index";
import { SecretStoreError } from "@/lib/secrets/types";
import { tokenBroker, type TokenBroker } from "./broker";
import { PROVIDER_LABELS } from "./providers/hosts";
import { originOf } from "./records";
import {
  createConnectionInput,
  fieldError,
  resolveHosts,
  updateConnectionInput,
  type CreateConnectionInput,
  type UpdateConnectionInput,
} from "./schemas";
import { auditActor, event, findConnection, setBy, storeFailure, type Actor } from "./staff-changes";

/** Creates a connection and stores its client secret (in the secret store only). */
export async function createConnection(raw: CreateConnectionInput, actor: Actor): Promise<{ id: string }> {
  const input = createConnectionInput.parse(raw);
  const hosts = resolveHosts(input.provider, input.environment, input.tokenUrl, input.apiBaseUrl);
  const isOAuth2 = input.provider === "OAUTH2";
  const connection = { id: randomUUID() };
  const name = connectionSecretName(connection.id);
  try {
    // Write-ahead: the connection and its sealed secret commit together, then the store write; a process
    // that dies in between leaves the sealed copy for the recovery sweep (lib/connections/recovery.ts).
    await storeSecretDurably({
      input: {
        name,
        value: input.clientSecret,
        kind: "connection-secret",
        tags: { connection: connection.id, provider: input.provider.toLowerCase() },
        idempotencyKey: `connection-create:${connection.id}`,
        description: `Client secret of the ${PROVIDER_LABELS[input.provider]} connection "${input.name}"`,
      },
      connectionId: connection.id,
      context: { operation: "create", setBy: actor.email },
      // Staff still hold the secret: a refusal is reported to them (nothing kept), not retried in the background.
      onStoreFailure: "erase",
      onSealed: async (tx) => {
        await tx.connection.create({
          data: {
            id: connection.id,
            name: input.name,
            provider: input.provider,
            environment: input.environment === "SIMULATOR" ? "SANDBOX" : input.environment,
            tokenUrl: hosts.tokenUrl,
            apiBaseUrl: hosts.apiBaseUrl,
            clientId: input.clientId,
            scope: input.scope,
            credentialsIn: isOAuth2 ? input.credentialsIn : "basic",
            bodyEncoding: isOAuth2 ? input.bodyEncoding : input.provider === "NUVY" ? "form" : "json",
            createdBy: setBy(actor),
          },
        });
      },
      onStored: async (tx, ref) => {
        await tx.connection.update({
          where: { id: connection.id },
          data: {
            secretName: ref.name,
            secretVersionId: ref.versionId,
            secretSetAt: new Date(),
            secretSetBy: actor.email,
            secretTokenOrigin: originOf(hosts.tokenUrl),
            secretApiOrigin: hosts.apiBaseUrl ? originOf(hosts.apiBaseUrl) : null,
          },
        });
      },
    });
  } catch (error) {
    // No half-made connection: without its secret the row is removed again.
    await db()
      .connection.deleteMany({ where: { id: connection.id } })
      .catch(() => undefined);
    throw storeFailure(error);
  }
  await event(connection.id, { type: "created", ok: true, actor: actor.email });
  await recordAudit({
    actor: auditActor(actor),
    action: "connection.created",
    target: { type: "connection", id: connection.id },
    ip: actor.ip,
    details: { name: input.name, provider: input.provider, environment: input.environment, clientId: input.clientId },
  });
  return { id: connection.id };
}

/**
 * Edits the settings; anything that changes how tokens are asked for drops the current token. The stored
 * secret is bound to the origins it was entered for: moving the token URL or the API base URL to another
 * origin needs the secret entered again (stored as a new version bound to the new origins), so a stored
 * secret can never be sent somewhere new. The audit row keeps the old and new URLs.
 */
export async function updateConnection(
  id: string,
  raw: UpdateConnectionInput,
  actor: Actor,
  broker: TokenBroker = tokenBroker(),
): Promise<void> {
  const connection = await findConnection(id);
  const input = updateConnectionInput.parse(raw);
  const hosts = resolveHosts(connection.provider, connection.environment, input.tokenUrl, input.apiBaseUrl);
  const isOAuth2 = connection.provider === "OAUTH2";
  const next = {
    name: input.name,
    clientId: input.clientId,
    scope: input.scope,
    tokenUrl: hosts.tokenUrl,
    apiBaseUrl: hosts.apiBaseUrl,
    credentialsIn: isOAuth2 ? input.credentialsIn : connection.credentialsIn,
    bodyEncoding: isOAuth2 ? input.bodyEncoding : connection.bodyEncoding,
  };
  const changed: string[] = (Object.keys(next) as Array<keyof typeof next>).filter((k) => next[k] !== connection[k]);
  const origins = { token: originOf(next.tokenUrl), api: next.apiBaseUrl ? originOf(next.apiBaseUrl) : null };
  const moved: string[] = [];
  if (origins.token !== connection.secretTokenOrigin) moved.push(`the token URL to ${origins.token}`);
  if (origins.api !== null && origins.api !== connection.secretApiOrigin) moved.push(`the API URL to ${origins.api}`);
  const resecret = connection.secretName !== null && (moved.length > 0 || input.clientSecret !== undefined);
  if (moved.length > 0 && connection.secretName !== null && input.clientSecret === undefined) {
    throw fieldError(
      "clientSecret",
      `Moving ${moved.join(" and ")} needs the client secret entered again: the stored one is only ever sent where it was entered for (${connection.secretTokenOrigin ?? "unknown"}).`,
      "secretForNewHost",
    );
  }
  if (changed.length === 0 && !resecret) return;

  let secretVersion: { versionId: string } | null = null;
  if (resecret && input.clientSecret !== undefined) {
    const name = connection.secretName ?? connectionSecretName(id);
    try {
      const ref = await secretStore().put({
        name,
        value: input.clientSecret,
        kind: "connection-secret",
        tags: { connection: id, provider: connection.provider.toLowerCase() },
        idempotencyKey: `connection-rebind:${id}:${connection.secretVersionId ?? "none"}:${origins.token}:${origins.api ?? ""}`,
        description: `Client secret of the ${PROVIDER_LABELS[connection.provider]} connection "${next.name}"`,
      });
      secretVersion = { versionId: ref.versionId };
    } catch (error) {
      throw storeFailure(error);
    }
    changed.push("clientSecret");
  }
  const tokenRelevant = changed.some((k) => k !== "name" && k !== "apiBaseUrl");
  const notice = await db().$transaction(async (tx) => {
    await tx.connection.update({
      where: { id },
      data: {
        ...next,
        ...(secretVersion
          ? {
              secretVersionId: secretVersion.versionId,
              previousSecretVersionId: null,
              secretSetAt: new Date(),
              secretSetBy: actor.email,
              secretTokenOrigin: origins.token,
              secretApiOrigin: origins.api,
            }
          : {}),
        ...(tokenRelevant ? { cooldownUntil: null, consecutiveFailures: 0 } : {}),
      },
    });
    return tokenRelevant ? broker.invalidate(id, tx) : null;
  });
  await notice?.delivered();
  await event(id, { type: "updated", ok: true, actor: actor.email, message: `Changed: ${changed.join(", ")}` });
  const urlChanges = {
    ...(next.tokenUrl !== connection.tokenUrl ? { tokenUrl: { from: connection.tokenUrl, to: next.tokenUrl } } : {}),
    ...(next.apiBaseUrl !== connection.apiBaseUrl
      ? { apiBaseUrl: { from: connection.apiBaseUrl, to: next.apiBaseUrl } }
      : {}),
  };
  await recordAudit({
    actor: auditActor(actor),
    action: "connection.updated",
    target: { type: "connection", id },
    ip: actor.ip,
    details: {
      changed,
      ...urlChanges,
      ...(secretVersion ? { secretVersionId: secretVersion.versionId, secretBoundTo: origins } : {}),
    },
  });
}

export async function setConnectionDisabled(
  id: string,
  disabled: boolean,
  actor: Actor,
  broker: TokenBroker = tokenBroker(),
): Promise<void> {
  const connection = await findConnection(id);
  if (Boolean(connection.disabledAt) === disabled) return;
  // Disabled means no instance hands out its token any more once this returns.
  const notice = await db().$transaction(async (tx) => {
    await tx.connection.update({
      where: { id },
      data: disabled ? { disabledAt: new Date() } : { disabledAt: null, cooldownUntil: null, consecutiveFailures: 0 },
    });
    return disabled ? broker.invalidate(id, tx) : null;
  });
  await notice?.delivered();
  await event(id, { type: disabled ? "disabled" : "enabled", ok: true, actor: actor.email });
  await recordAudit({
    actor: auditActor(actor),
    action: disabled ? "connection.disabled" : "connection.enabled",
    target: { type: "connection", id },
    ip: actor.ip,
  });
}

/** Deletes the connection; its secret is scheduled for deletion (recoverable for 7 days). */
export async function deleteConnection(id: string, actor: Actor, broker: TokenBroker = tokenBroker()): Promise<void> {
  const connection = await findConnection(id);
  let secretDeletion: string | null = null;
  if (connection.secretName) {
    try {
      const { deletionDate } = await secretStore().scheduleDeletion(connection.secretName, { recoveryWindowDays: 7 });
      secretDeletion = deletionDate.toISOString();
    } catch (error) {
      if (!(error instanceof SecretStoreError && error.kind === "not-found")) throw storeFailure(error);
    }
  }
  const notice = await db().$transaction(async (tx) => {
    await tx.connection.delete({ where: { id } });
    return broker.announce(id, tx);
  });
  await notice.delivered();
  await recordAudit({
    actor: auditActor(actor),
    action: "connection.deleted",
    target: { type: "connection", id },
    ip: actor.ip,
    details: { name: connection.name, provider: connection.provider, secretDeletionDate: secretDeletion },
  });
}
