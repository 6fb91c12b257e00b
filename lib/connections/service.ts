import "server-only";
// What staff do with connections: create, edit, test, rotate (verify, then store), disable/enable, delete.
// Every change is audited; the client secret only ever goes into the secret store.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { AppError, err, ok, type Result } from "@/lib/errors";
import { outboundRequest, OutboundError, providerUrlProblem } from "@/lib/http/outbound";
import { log } from "@/lib/log";
import { connectionSecretName, secretStore, storeSecretDurably } from "@/lib/secrets/index";
import { SecretStoreError } from "@/lib/secrets/types";
import { tokenBroker, type ChangeNotice, type TokenBroker } from "./broker";
import { PROVIDER_HOSTS, PROVIDER_LABELS } from "./providers/hosts";
import { providerAdapter, tokenRateLimit, type ProviderToken } from "./providers/index";
import { recordTokenRequest, tokenBudgetWaitMs } from "./rate-limit";
import { originOf, readClientSecret, toRequestConfig, type ConnectionRecord } from "./records";
import { noteConnectionHealth } from "@/lib/webhooks/emit";

export interface Actor {
  id: string;
  email: string;
  ip: string | null;
}

const auditActor = (actor: Actor): AuditActor => ({ type: "staff", id: actor.id, label: actor.email });
const setBy = (actor: Actor) => `staff:${actor.id}`;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === "" ? null : v))
    .nullish()
    .transform((v) => v ?? null);

const urlField = optionalText(2000);

export const connectionFields = {
  name: z.string().trim().min(1, "Give the connection a name.").max(120),
  clientId: z.string().trim().min(1, "Enter the client id.").max(500),
  scope: optionalText(1000),
  tokenUrl: urlField,
  apiBaseUrl: urlField,
  credentialsIn: z.enum(["basic", "body"]).default("basic"),
  bodyEncoding: z.enum(["form", "json"]).default("form"),
};

export const createConnectionInput = z.object({
  provider: z.enum(["NOYO", "INYO", "NUVY", "OAUTH2"]),
  // SIMULATOR: the bundled simulator (development and e2e only); stored as SANDBOX with its URLs.
  environment: z.enum(["SANDBOX", "PRODUCTION", "SIMULATOR"]),
  ...connectionFields,
  clientSecret: z.string().min(1, "Enter the client secret.").max(4000),
});
export type CreateConnectionInput = z.input<typeof createConnectionInput>;

export const updateConnectionInput = z.object({
  ...connectionFields,
  // Required only when the token URL or the API base URL moves to another origin.
  clientSecret: z
    .string()
    .max(4000)
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type UpdateConnectionInput = z.input<typeof updateConnectionInput>;

/**
 * A field-level refusal, shaped like zod's so forms show it beside the field; `code`: its message in the
 * catalogue (admin.connections.errors.*) for pages in other languages (lib/auth/action.ts).
 */
function fieldError(field: string, message: string, code: string): z.ZodError {
  return new z.ZodError([
    { code: "custom", path: [field], message, input: undefined, params: { i18n: `admin.connections.errors.${code}` } },
  ]);
}

/**
 * Noyo, Inyo and Nuvy: only their documented origins for the environment (FACTS.md), so a stored secret
 * cannot be pointed at another host. ALLOW_INSECURE_PROVIDER_URLS (tests, simulators) lifts this.
 */
export function documentedHostProblem(
  provider: keyof typeof PROVIDER_HOSTS,
  environment: "SANDBOX" | "PRODUCTION",
  field: "tokenUrl" | "apiBaseUrl",
  url: string,
  anyHost: boolean = config().allowInsecureProviderUrls,
): string | null {
  const documented = PROVIDER_HOSTS[provider]?.[environment];
  if (!documented || anyHost) return null;
  const expected = originOf(documented[field]);
  if (originOf(url) === expected) return null;
  const what = field === "tokenUrl" ? "token URL" : "API URL";
  return `${PROVIDER_LABELS[provider]}'s ${what} must be on its documented host ${expected}; leave it empty to use it.`;
}

/** Token URL and API base: the operator's values, else the documented hosts of the environment. */
function resolveHosts(
  provider: keyof typeof PROVIDER_HOSTS,
  environment: "SANDBOX" | "PRODUCTION" | "SIMULATOR",
  tokenUrl: string | null,
  apiBaseUrl: string | null,
): { tokenUrl: string; apiBaseUrl: string | null } {
  let documented: { tokenUrl: string; apiBaseUrl: string } | null | undefined;
  if (environment === "SIMULATOR") {
    documented = config().providerSimulators?.[provider];
    if (!documented)
      throw fieldError(
        "environment",
        "The bundled simulator is offered only in development (npm run dev); choose Sandbox or Production.",
        "simulatorOnlyInDev",
      );
  } else {
    documented = PROVIDER_HOSTS[provider]?.[environment];
  }
  const finalToken = tokenUrl ?? documented?.tokenUrl;
  if (!finalToken) throw fieldError("tokenUrl", "Enter the token URL of this OAuth2 server.", "tokenUrlRequired");
  const finalApi = apiBaseUrl ?? documented?.apiBaseUrl ?? null;
  const tokenProblem = providerUrlProblem(finalToken);
  if (tokenProblem) throw fieldError("tokenUrl", `The token URL ${tokenProblem}.`, "unsafeUrl");
  // The simulators exist only with ALLOW_INSECURE_PROVIDER_URLS, which lifts the documented-host rule.
  const stored = environment === "SIMULATOR" ? "SANDBOX" : environment;
  const tokenHost = documentedHostProblem(provider, stored, "tokenUrl", finalToken);
  if (tokenHost) throw fieldError("tokenUrl", tokenHost, "documentedHost");
  if (finalApi) {
    const apiProblem = providerUrlProblem(finalApi);
    if (apiProblem) throw fieldError("apiBaseUrl", `The API URL ${apiProblem}.`, "unsafeUrl");
    const apiHost = documentedHostProblem(provider, stored, "apiBaseUrl", finalApi);
    if (apiHost) throw fieldError("apiBaseUrl", apiHost, "documentedHost");
  }
  return { tokenUrl: finalToken, apiBaseUrl: finalApi?.replace(/\/+$/, "") ?? null };
}

function storeFailure(error: unknown): AppError {
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

async function findConnection(id: string): Promise<ConnectionRecord> {
  const parsed = z.uuid().safeParse(id);
  const connection = parsed.success ? await db().connection.findUnique({ where: { id: parsed.data } }) : null;
  if (!connection) throw new AppError("NOT_FOUND", "This connection does not exist (it may have been deleted).");
  return connection;
}

async function event(
  connectionId: string,
  data: { type: string; ok: boolean; message?: string; actor?: string; latencyMs?: number; httpStatus?: number | null },
) {
  await db().connectionEvent.create({ data: { connectionId, ...data, httpStatus: data.httpStatus ?? null } });
}

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

export interface TestOutcome {
  ok: boolean;
  message: string;
  latencyMs: number;
  /** Step results for the page: "token" and, for Noyo, "GET /api/v1/groups". */
  steps: Array<{ label: string; ok: boolean; latencyMs: number; httpStatus: number | null; message: string }>;
}

/**
 * Fetches a token with `secret` bypassing every cache, under the provider's rate limit, counting the request.
 * Used by "Test connection" and by rotation's verification.
 */
async function freshToken(connection: ConnectionRecord, secret: string): Promise<Result<ProviderToken, AppError>> {
  const adapter = providerAdapter(connection.provider);
  const limit = tokenRateLimit(connection.provider);
  if (limit) {
    const wait = await tokenBudgetWaitMs(connection.id, limit);
    if (wait > 0) {
      return err(
        new AppError(
          "RATE_LIMITED",
          `${adapter.label} allows ${limit.limit} token requests a minute and they are used up; try again in ${Math.ceil(wait / 1000)} s.`,
        ),
      );
    }
  }
  await recordTokenRequest(connection.id);
  const result = await adapter.fetchToken(toRequestConfig(connection), secret);
  if (result.ok) return result;
  return err(
    new AppError(result.error.kind === "rate-limited" ? "RATE_LIMITED" : "UPSTREAM", result.error.message, {
      cause: result.error,
    }),
  );
}

/** Test connection: a fresh token (no cache) and, for Noyo, the documented `GET /api/v1/groups`. */
export async function testConnection(id: string, actor: Actor): Promise<TestOutcome> {
  const connection = await findConnection(id);
  const adapter = providerAdapter(connection.provider);
  const steps: TestOutcome["steps"] = [];
  const started = performance.now();
  let secret: string;
  try {
    secret = await readClientSecret(connection);
  } catch (error) {
    const message = error instanceof AppError ? error.userMessage : "The client secret could not be read.";
    steps.push({ label: "Read the client secret", ok: false, latencyMs: 0, httpStatus: null, message });
    return finishTest(connection, actor, steps, started);
  }
  const t0 = performance.now();
  const token = await freshToken(connection, secret);
  const tokenMs = Math.round(performance.now() - t0);
  if (!token.ok) {
    steps.push({
      label: "Token request",
      ok: false,
      latencyMs: tokenMs,
      httpStatus: (token.error.cause as { httpStatus?: number } | undefined)?.httpStatus ?? null,
      message: token.error.userMessage,
    });
    return finishTest(connection, actor, steps, started);
  }
  const lifetimeS = Math.round((token.data.expiresAt.getTime() - token.data.obtainedAt.getTime()) / 1000);
  steps.push({
    label: "Token request",
    ok: true,
    latencyMs: token.data.latencyMs,
    httpStatus: token.data.httpStatus,
    message: `Token received, valid for ${lifetimeS} s.`,
  });
  if (adapter.check && connection.apiBaseUrl && originOf(connection.apiBaseUrl) !== connection.secretApiOrigin) {
    steps.push({
      label: adapter.check.label,
      ok: false,
      latencyMs: 0,
      httpStatus: null,
      message:
        "The API URL is not on the host the client secret was entered for, so no token is sent there: enter the secret again in Settings.",
    });
  } else if (adapter.check && connection.apiBaseUrl) {
    const t1 = performance.now();
    try {
      const answer = await outboundRequest(`${connection.apiBaseUrl}${adapter.check.path}`, {
        method: adapter.check.method,
        headers: { authorization: `Bearer ${token.data.accessToken}` },
        timeoutMs: 10_000,
      });
      const good = answer.status >= 200 && answer.status < 300;
      steps.push({
        label: adapter.check.label,
        ok: good,
        latencyMs: answer.latencyMs,
        httpStatus: answer.status,
        message: good ? `${answer.status} OK` : adapter.describeApiError(answer.status, answer.text),
      });
    } catch (error) {
      steps.push({
        label: adapter.check.label,
        ok: false,
        latencyMs: Math.round(performance.now() - t1),
        httpStatus: null,
        message: error instanceof OutboundError ? error.message : "The API call failed.",
      });
    }
  }
  return finishTest(connection, actor, steps, started);
}

async function finishTest(
  connection: ConnectionRecord,
  actor: Actor,
  steps: TestOutcome["steps"],
  started: number,
): Promise<TestOutcome> {
  const latencyMs = Math.round(performance.now() - started);
  const failed = steps.find((s) => !s.ok);
  const outcome: TestOutcome = {
    ok: !failed,
    message: failed ? `${failed.label} failed: ${failed.message}` : `Connection works (${latencyMs} ms).`,
    latencyMs,
    steps,
  };
  const last = steps.at(-1);
  await event(connection.id, {
    type: "tested",
    ok: outcome.ok,
    latencyMs,
    httpStatus: (failed ?? last)?.httpStatus ?? null,
    message: outcome.message.slice(0, 500),
    actor: actor.email,
  });
  await db().$transaction(async (tx) => {
    await noteConnectionHealth(
      tx,
      connection.id,
      outcome.ok
        ? { ok: true }
        : { ok: false, message: outcome.message, httpStatus: (failed ?? last)?.httpStatus ?? null },
    );
    await tx.connection.update({
      where: { id: connection.id },
      data: outcome.ok
        ? { lastSuccessAt: new Date(), consecutiveFailures: 0, cooldownUntil: null }
        : {
            lastFailureAt: new Date(),
            lastFailureMessage: outcome.message.slice(0, 500),
            consecutiveFailures: { increment: 1 },
          },
    });
  });
  await recordAudit({
    actor: auditActor(actor),
    action: "connection.tested",
    target: { type: "connection", id: connection.id },
    ip: actor.ip,
    outcome: outcome.ok ? "success" : "failure",
    details: { latencyMs, steps: steps.map((s) => ({ label: s.label, ok: s.ok, httpStatus: s.httpStatus })) },
  });
  return outcome;
}

export const rotateSecretInput = z.object({
  clientSecret: z.string().min(1, "Enter the new client secret.").max(4000),
});

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
