// The webhooks benchmark's own process (run by bench/webhooks.bench.ts with --conditions=react-server):
// the app's real code against the bench's PostgreSQL. Prints one JSON line of raw figures.
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";

const CALLBACKS = Number(process.env.BENCH_WEBHOOKS_CALLBACKS ?? 80);
const EVENTS = Number(process.env.BENCH_WEBHOOKS_EVENTS ?? 1000);
const ENDPOINTS = Number(process.env.BENCH_WEBHOOKS_ENDPOINTS ?? 3);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
const summary = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  max: Math.max(...values),
});

async function main() {
  const { db } = await import("@/lib/db/client");
  const { startJobWorkers, stopJobWorkers } = await import("@/lib/jobs");
  const { createEndpoint } = await import("@/lib/webhooks/endpoints");
  const { emitAuthorizationEvent, emitEvent } = await import("@/lib/webhooks/emit");
  const { startWebhookReceiver } = await import("@/simulators/webhook-receiver/index");
  const harness = await import("@/tests/support/noon-harness");

  const receiver = await startWebhookReceiver();
  const admin = { id: randomUUID(), email: "bench@bench.test", ip: null };
  const secrets: string[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const { secret } = await createEndpoint({
      input: {
        url: `${receiver.endpointUrl}/${i}`,
        eventTypes: ["seller.connected", "credential.superseded", "authorization.failed"],
      },
      actor: admin,
    });
    secrets.push(secret);
  }
  receiver.setSecrets(secrets);
  const h = await harness.startHarness();
  (await import("@/lib/server/start")).registerBackgroundWork();
  await startJobWorkers();
  const waitDelivered = async (total: number) => {
    for (;;) {
      const done = await db().webhookDelivery.count({ where: { status: "SUCCEEDED" } });
      if (done >= total) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  // 1. The Noon callback with the outbox in it (workers delivering meanwhile, as in production).
  const callbackMs: number[] = [];
  const authorizationIds: string[] = [];
  for (let i = 0; i < CALLBACKS; i++) {
    const { link } = await harness.sellerWithLink();
    const start = await harness.connectAndApprove(h, link.token);
    const t0 = performance.now();
    const cb = await harness.callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
    );
    callbackMs.push(performance.now() - t0);
    const reference = cb.location.split("/").pop() ?? "";
    authorizationIds.push(
      (await db().noonAuthorization.findUniqueOrThrow({ where: { reference }, select: { id: true } })).id,
    );
  }
  // The outbox's own part of it: the emit call inside the callback's kind of transaction.
  const emitMs: number[] = [];
  for (const id of authorizationIds) {
    await db().$transaction(async (tx) => {
      const t0 = performance.now();
      await emitAuthorizationEvent(tx, { authorizationId: id, type: "seller.connected" });
      emitMs.push(performance.now() - t0);
    });
  }
  await waitDelivered(authorizationIds.length * 2 * ENDPOINTS);

  // 2. Fan-out: EVENTS events (20 concurrent emitting transactions) to ENDPOINTS endpoints.
  const before = await db().webhookDelivery.count({ where: { status: "SUCCEEDED" } });
  const t0 = performance.now();
  for (let i = 0; i < EVENTS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, EVENTS - i) }, (_, j) =>
        db().$transaction((tx) =>
          emitEvent(tx, { type: "seller.connected", stream: `seller:bench-${(i + j) % 50}`, data: { n: i + j } }),
        ),
      ),
    );
  }
  const emittedMs = performance.now() - t0;
  await waitDelivered(before + EVENTS * ENDPOINTS);
  const deliveredMs = performance.now() - t0;
  const latencies = await db().$queryRaw<{ ms: number }[]>`
    SELECT EXTRACT(EPOCH FROM (d.delivered_at - e.created_at)) * 1000 AS ms
      FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
     WHERE e.stream LIKE 'seller:bench-%' AND d.status = 'SUCCEEDED'`;
  const unverified = receiver.requests.filter((r) => !r.verified).length;

  await stopJobWorkers({ timeoutMs: 5_000 });
  await h.close();
  await receiver.close();
  console.log(
    JSON.stringify({
      callbacks: CALLBACKS,
      endpoints: ENDPOINTS,
      events: EVENTS,
      callbackMs: summary(callbackMs),
      emitMs: summary(emitMs),
      emittedPerSecond: EVENTS / (emittedMs / 1000),
      deliveredPerSecond: (EVENTS * ENDPOINTS) / (deliveredMs / 1000),
      eventToDeliveryMs: summary(latencies.map((l) => Number(l.ms))),
      unverified,
    }),
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
