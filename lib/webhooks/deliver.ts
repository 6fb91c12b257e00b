import "server-only";
// Sending deliveries: one attempt per job on the queue (pg-boss), the delivery claimed with a lease in
// its row so that only one worker of any instance sends it; signed per Standard Webhooks with the
// `standardwebhooks` package; the outcome and the next attempt recorded in one transaction.
import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { defineJob } from "@/lib/jobs";
import { outboundRequest, OutboundError, retryAfterMs, type OutboundPolicy } from "@/lib/http/outbound";
import { log } from "@/lib/log";
import { secretStore, type SecretStore } from "@/lib/secrets";
import { deliveryBody } from "./emit";
import { disableEndpointBySystem } from "./endpoints";
import { DELIVERY_TIMEOUT_MS, FAILING_DISABLE_AFTER_MS, nextAttemptDelayMs, RETRY_SCHEDULE_MS } from "./schedule";

export type DeliveryOptions = {
  db?: Db;
  store?: SecretStore;
  /** Waits between attempts (default RETRY_SCHEDULE_MS); tests compress it. */
  schedule?: readonly number[];
  random?: () => number;
  timeoutMs?: number;
  policy?: OutboundPolicy;
};

export type AttemptOutcome =
  | { status: "skipped" }
  | { status: "succeeded"; httpStatus: number; latencyMs: number }
  | { status: "retrying"; httpStatus: number | null; error: string; nextAttemptAt: Date }
  | { status: "failed"; httpStatus: number | null; error: string };

// Process-wide settings of the delivery job; tests may compress the schedule (production never calls this).
let configured: DeliveryOptions = {};
export function configureDeliveries(options: DeliveryOptions): void {
  configured = options;
}

/** A delivery still pending this long after its job was queued is queued again (the job was lost). */
const REQUEUE_AFTER_MS = 2 * 60_000;

/** A claim outlives the request's deadline, so it only lapses when its worker died. */
const LEASE_MS = DELIVERY_TIMEOUT_MS + 45_000;

/** webhook-id: the same on every attempt and redelivery of one event. */
export const webhookId = (eventId: string) => `msg_${eventId}`;

// Secrets read from the store, per (name, version): a version's value never changes.
const secretCache = new Map<string, { value: string; at: number }>();
const SECRET_CACHE_MS = 10 * 60_000;

async function secretValue(store: SecretStore, name: string, versionId: string): Promise<string> {
  const key = `${name}\u0000${versionId}`;
  const hit = secretCache.get(key);
  if (hit && Date.now() - hit.at < SECRET_CACHE_MS) return hit.value;
  const { value } = await store.get(name, { versionId });
  secretCache.set(key, { value, at: Date.now() });
  return value;
}

type EndpointRow = {
  id: string;
  url: string;
  disabledAt: Date | null;
  secretName: string;
  secretVersionId: string;
  previousSecretVersionId: string | null;
  previousSecretUntil: Date | null;
};

/** The secrets to sign with now: the current one, and the previous one during a rotation's overlap. */
async function signingSecrets(store: SecretStore, endpoint: EndpointRow, now: Date): Promise<string[]> {
  const secrets = [await secretValue(store, endpoint.secretName, endpoint.secretVersionId)];
  if (endpoint.previousSecretVersionId && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
    secrets.push(await secretValue(store, endpoint.secretName, endpoint.previousSecretVersionId));
  }
  return secrets;
}

/** The three Standard Webhooks headers; several signatures are separated by spaces. */
export function signDelivery({
  secrets,
  msgId,
  at,
  body,
}: {
  secrets: string[];
  msgId: string;
  at: Date;
  body: string;
}): Record<string, string> {
  return {
    "webhook-id": msgId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(msgId, at, body)).join(" "),
  };
}

type ClaimedRow = {
  id: string;
  attempts: number;
  reason: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  endpoint_id: string;
  url: string;
  disabled_at: Date | null;
  secret_name: string;
  secret_version_id: string;
  previous_secret_version_id: string | null;
  previous_secret_until: Date | null;
  failing_since: Date | null;
  last_success_at: Date | null;
};

type Answer = {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  latencyMs: number;
  retryAfterMs?: number | undefined;
};

async function send(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: DeliveryOptions,
): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await outboundRequest(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
        timeoutMs: opts.timeoutMs ?? DELIVERY_TIMEOUT_MS,
        maxBytes: 64 * 1024,
      },
      ...(opts.policy ? [opts.policy] : []),
    );
    const ok = res.status >= 200 && res.status < 300;
    const retryAfter = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers["retry-after"]) : undefined;
    const snippet = res.text.trim().slice(0, 200);
    return {
      ok,
      httpStatus: res.status,
      error: ok ? null : `HTTP ${res.status}${snippet ? `: ${snippet}` : ""}`,
      latencyMs: res.latencyMs,
      retryAfterMs: retryAfter,
    };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    if (error instanceof OutboundError) {
      // A 2xx answer with an oversized body was still received.
      if (error.kind === "too-large" && error.status !== undefined && error.status >= 200 && error.status < 300) {
        return { ok: true, httpStatus: error.status, error: null, latencyMs };
      }
      const message =
        error.kind === "redirect"
          ? `The receiver answered with a redirect (${error.status ?? "3xx"}); redirects are not followed.`
          : error.kind === "timeout"
            ? `The receiver did not answer within ${Math.round((opts.timeoutMs ?? DELIVERY_TIMEOUT_MS) / 1000)} s.`
            : error.message.replace(/provider/g, "receiver");
      return { ok: false, httpStatus: error.status ?? null, error: message, latencyMs };
    }
    return { ok: false, httpStatus: null, error: "The request could not be sent.", latencyMs };
  }
}

/**
 * One attempt of one delivery, if it is due and no other worker holds it. Records the attempt, then either
 * marks it delivered, schedules the next attempt, or gives up (schedule spent, 410, endpoint disabled).
 */
export async function attemptDelivery(deliveryId: string, options: DeliveryOptions = {}): Promise<AttemptOutcome> {
  const opts = { ...configured, ...options };
  const client = opts.db ?? defaultDb();
  const token = randomUUID();
  // The claim, the event and the endpoint in one round trip.
  const claimed = await client.$queryRaw<ClaimedRow[]>`
    WITH claimed AS (
      UPDATE webhook_deliveries
         SET lease_until = clock_timestamp() + ${LEASE_MS} * interval '1 millisecond', lease_token = ${token}
       WHERE id = ${deliveryId}::uuid AND status = 'PENDING'
         AND next_attempt_at <= clock_timestamp() + interval '1 second'
         AND (lease_until IS NULL OR lease_until < clock_timestamp())
      RETURNING id, attempts, event_id, endpoint_id, reason)
    SELECT c.id::text, c.attempts, c.reason, e.id::text AS event_id, e.type AS event_type, e.payload,
           p.id::text AS endpoint_id, p.url, p.disabled_at, p.secret_name, p.secret_version_id,
           p.previous_secret_version_id, p.previous_secret_until, p.failing_since, p.last_success_at
      FROM claimed c JOIN webhook_events e ON e.id = c.event_id JOIN webhook_endpoints p ON p.id = c.endpoint_id`;
  const row = claimed[0];
  if (!row) return { status: "skipped" };
  const delivery = { id: row.id, attempts: row.attempts, reason: row.reason };
  const event = { id: row.event_id, type: row.event_type, payload: row.payload };
  const endpoint: EndpointRow & { failingSince: Date | null; lastSuccessAt: Date | null } = {
    id: row.endpoint_id,
    url: row.url,
    disabledAt: row.disabled_at,
    secretName: row.secret_name,
    secretVersionId: row.secret_version_id,
    previousSecretVersionId: row.previous_secret_version_id,
    previousSecretUntil: row.previous_secret_until,
    failingSince: row.failing_since,
    lastSuccessAt: row.last_success_at,
  };

  if (endpoint.disabledAt && delivery.reason !== "test") {
    const error = "Not sent: the endpoint is disabled.";
    await client.webhookDelivery.updateMany({
      where: { id: delivery.id, leaseToken: token },
      data: { status: "FAILED", nextAttemptAt: null, leaseUntil: null, leaseToken: null, lastError: error },
    });
    return { status: "failed", httpStatus: null, error };
  }

  const now = new Date();
  const body = deliveryBody(event.payload);
  let answer: Answer;
  try {
    const secrets = await signingSecrets(opts.store ?? secretStore(), endpoint, now);
    answer = await send(endpoint.url, signDelivery({ secrets, msgId: webhookId(event.id), at: now, body }), body, opts);
  } catch (error) {
    // The signing secret could not be read: nothing was sent; counted as a failed attempt.
    log().error(
      { deliveryId, webhookId: endpoint.id, err: error instanceof Error ? error.message : String(error) },
      "webhook signing secret unavailable",
    );
    answer = {
      ok: false,
      httpStatus: null,
      error: "The signing secret could not be read from the secret store.",
      latencyMs: 0,
    };
  }

  const attempts = delivery.attempts + 1;
  const gone = answer.httpStatus === 410;
  const delay =
    answer.ok || gone
      ? null
      : nextAttemptDelayMs(attempts, {
          schedule: opts.schedule ?? RETRY_SCHEDULE_MS,
          retryAfterMs: answer.retryAfterMs,
          random: opts.random,
        });
  const nextAttemptAt = delay === null ? null : new Date(Date.now() + delay);
  const status = answer.ok ? "SUCCEEDED" : nextAttemptAt ? "PENDING" : "FAILED";

  await client.$transaction(async (tx) => {
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        at: now,
        ok: answer.ok,
        httpStatus: answer.httpStatus,
        error: answer.error?.slice(0, 500) ?? null,
        latencyMs: answer.latencyMs,
      },
    });
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: delivery.id, leaseToken: token },
      data: {
        status,
        attempts,
        nextAttemptAt,
        leaseUntil: null,
        leaseToken: null,
        lastAttemptAt: now,
        lastHttpStatus: answer.httpStatus,
        lastError: answer.error?.slice(0, 500) ?? null,
        lastLatencyMs: answer.latencyMs,
        // The job queues the next attempt right after this transaction.
        queuedAt: nextAttemptAt ? new Date() : null,
        ...(answer.ok ? { deliveredAt: new Date() } : {}),
      },
    });
    if (count !== 1) return;
    if (answer.ok) {
      // A healthy endpoint's "last delivered" is kept to the minute: one write fewer per delivery.
      if (endpoint.failingSince || !endpoint.lastSuccessAt || Date.now() - endpoint.lastSuccessAt.getTime() > 60_000) {
        await tx.webhookEndpoint.update({
          where: { id: endpoint.id },
          data: { failingSince: null, lastSuccessAt: new Date() },
        });
      }
      return;
    }
    if (gone) {
      await disableEndpointBySystem(tx, {
        endpointId: endpoint.id,
        reason: "gone",
        details: {
          url: endpoint.url,
          httpStatus: 410,
          deliveryId: delivery.id,
        },
      });
      return;
    }
    const [streak] = await tx.$queryRaw<{ failing_since: Date }[]>`
      UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ${now}) WHERE id = ${endpoint.id}::uuid RETURNING failing_since`;
    if (streak && now.getTime() - streak.failing_since.getTime() >= FAILING_DISABLE_AFTER_MS) {
      await disableEndpointBySystem(tx, {
        endpointId: endpoint.id,
        reason: "failing",
        details: {
          url: endpoint.url,
          failingSince: streak.failing_since.toISOString(),
          lastError: answer.error?.slice(0, 200) ?? null,
        },
      });
    }
  });

  const logged = {
    deliveryId: delivery.id,
    webhookId: endpoint.id,
    eventType: event.type,
    attempts,
    httpStatus: answer.httpStatus,
    latencyMs: answer.latencyMs,
  };
  if (answer.ok) {
    log().info(logged, "webhook delivered");
    return { status: "succeeded", httpStatus: answer.httpStatus ?? 200, latencyMs: answer.latencyMs };
  }
  log().warn({ ...logged, error: answer.error, nextAttemptAt }, "webhook attempt failed");
  if (nextAttemptAt)
    return { status: "retrying", httpStatus: answer.httpStatus, error: answer.error ?? "", nextAttemptAt };
  return { status: "failed", httpStatus: answer.httpStatus, error: answer.error ?? "" };
}

// ───────────────────────── the queue ─────────────────────────

async function enqueue(items: { id: string; at: Date }[]): Promise<void> {
  if (items.length === 0) return;
  await deliverWebhookJob.sendMany(
    items.map((i) => ({ data: { deliveryId: i.id }, opts: { singletonKey: i.id, startAfter: i.at } })),
  );
}

/** The job: one attempt, then the next one queued for its time (the sweep re-queues it should this fail). */
export const deliverWebhookJob = defineJob<{ deliveryId: string }>(
  "webhooks-deliver",
  async ({ deliveryId }) => {
    const outcome = await attemptDelivery(deliveryId);
    if (outcome.status === "retrying") {
      try {
        await enqueue([{ id: deliveryId, at: outcome.nextAttemptAt }]);
        // Wake this process's loops when it is due (they otherwise poll every 10 s).
        setTimeout(
          () => deliverWebhookJob.wake(),
          Math.max(0, outcome.nextAttemptAt.getTime() - Date.now()) + 250,
        ).unref();
      } catch (error) {
        log().warn(
          { deliveryId, err: error instanceof Error ? error.message : String(error) },
          "next webhook attempt not queued; the sweep will",
        );
      }
    }
  },
  // "short": at most one queued job per delivery. Ten loops per worker process, each fetching again at
  // once while there is work (one slow receiver holds up one loop only); idle, they poll every 10 s and
  // are woken by the dispatcher (lib/webhooks/jobs.ts) when deliveries are queued.
  {
    policy: "short",
    retryLimit: 2,
    retryDelaySeconds: 5,
    expireInSeconds: 120,
    concurrency: 10,
    drain: true,
    pollingIntervalSeconds: 10,
  },
);

/** Queues the due deliveries, then wakes this process's delivery loops if there were any. */
export async function dispatchAndWake(opts: { horizonMs?: number } = {}): Promise<number> {
  const queued = await dispatchDueDeliveries(opts);
  if (queued > 0) deliverWebhookJob.wake();
  return queued;
}

/**
 * Queues a job for every pending delivery due within `horizonMs` (all of them when undefined) that no
 * worker holds. Called on NOTIFY, every minute, and when a worker starts.
 */
export async function dispatchDueDeliveries(opts: { horizonMs?: number; db?: Db } = {}): Promise<number> {
  const client = opts.db ?? defaultDb();
  const horizon = opts.horizonMs ?? 100 * 365 * 86_400_000;
  // Marked as queued in the same statement: a burst of wake-ups queues each delivery once. One queued
  // long ago and still pending (its job lost) is queued again.
  const rows = await client.$queryRaw<{ id: string; next_attempt_at: Date }[]>`
    UPDATE webhook_deliveries SET queued_at = clock_timestamp()
     WHERE id IN (
       SELECT id FROM webhook_deliveries
        WHERE status = 'PENDING' AND next_attempt_at <= clock_timestamp() + ${horizon} * interval '1 millisecond'
          AND (lease_until IS NULL OR lease_until < clock_timestamp())
          AND (queued_at IS NULL OR queued_at < clock_timestamp() - ${REQUEUE_AFTER_MS} * interval '1 millisecond')
        ORDER BY next_attempt_at LIMIT 2000
        FOR UPDATE SKIP LOCKED)
    RETURNING id::text, next_attempt_at`;
  await enqueue(rows.map((r) => ({ id: r.id, at: r.next_attempt_at })));
  return rows.length;
}
