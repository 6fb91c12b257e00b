import "server-only";
// "Test connection": a fresh token (no cache) and, for Noyo, the documented GET /api/v1/groups; the
// outcome on the connection's health, its event log and the audit trail.
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError, err, type Result } from "@/lib/errors";
import { outboundRequest, OutboundError } from "@/lib/http/outbound";
import { noteConnectionHealth } from "@/lib/webhooks/emit";
import { providerAdapter, tokenRateLimit, type ProviderToken } from "./providers/index";
import { recordTokenRequest, tokenBudgetWaitMs } from "./rate-limit";
import { originOf, readClientSecret, toRequestConfig, type ConnectionRecord } from "./records";
import { auditActor, event, findConnection, type Actor } from "./staff-changes";

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
export async function freshToken(
  connection: ConnectionRecord,
  secret: string,
): Promise<Result<ProviderToken, AppError>> {
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
