// Webhooks end to end in one process: real causes (the Noon flow against its simulator, connection
// tests against the Noyo simulator), the outbox, the real job queue (pg-boss) with the NOTIFY listener,
// and a real receiver that verifies signatures with the `standardwebhooks` package. On a private database
// so that this file's workers see only its own jobs and deliveries.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/lib/db/client";
import type { SecretStore } from "@/lib/secrets";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import { createPrivateDatabase, type PrivateDatabase } from "@/tests/support/private-database";
import { startWebhookReceiver, type StartedWebhookReceiver } from "@/simulators/webhook-receiver/index";
import type { StartedNoyoSimulator } from "@/simulators/noyo/index";
import type { Harness } from "@/tests/support/noon-harness";
import type * as JobsModule from "@/lib/jobs";
import type * as HarnessModule from "@/tests/support/noon-harness";
import type * as SecretsModule from "@/lib/secrets";
import { EVENT_TYPES } from "./catalogue";
import type * as DeliverModule from "./deliver";
import type * as EmitModule from "./emit";
import type * as EndpointsModule from "./endpoints";
import type * as OperationsModule from "./operations";

// Real processes, queues and receivers: generous limits for a loaded machine (nothing asserts on time).
vi.setConfig({ testTimeout: 180_000 });

// Loaded after DATABASE_URL points at the private database.
let db: () => Db;
let jobs: typeof JobsModule;
let endpoints: typeof EndpointsModule;
let deliver: typeof DeliverModule;
let emit: typeof EmitModule;
let operations: typeof OperationsModule;
let harness: typeof HarnessModule;
let secrets: typeof SecretsModule;

let database: PrivateDatabase;
let h: Harness;
let noyo: StartedNoyoSimulator;
const noyoClient = { clientId: `noyo-${randomUUID()}`, clientSecret: `noyo-secret-${randomUUID()}` };
const admin = { id: randomUUID(), email: "webhooks-admin@test.example", ip: "127.0.0.1" };

// Attempts 200 ms apart instead of 5 s, 5 min, … (production values are untouched).
const FAST = [0, 200, 200, 200, 200, 200, 200, 200];

beforeAll(async () => {
  database = await createPrivateDatabase("webhooks");
  process.env.DATABASE_URL = database.url;
  ({ db } = await import("@/lib/db/client"));
  jobs = await import("@/lib/jobs");
  endpoints = await import("./endpoints");
  deliver = await import("./deliver");
  emit = await import("./emit");
  operations = await import("./operations");
  harness = await import("@/tests/support/noon-harness");
  secrets = await import("@/lib/secrets");
  (await import("@/lib/server/start")).registerBackgroundWork();
  deliver.configureDeliveries({ schedule: FAST });
  const { startNoyoSimulator } = await import("@/simulators/noyo/index");
  rememberSecret(noyoClient.clientSecret);
  noyo = await startNoyoSimulator({ clients: [noyoClient] });
  h = await harness.startHarness();
  await jobs.startJobWorkers();
}, 120_000);

afterAll(async () => {
  await jobs?.stopJobWorkers({ timeoutMs: 5_000 });
  await h?.close();
  await noyo?.close();
  await db?.().$disconnect();
  await database?.drop();
});

beforeEach(() => {
  h.sim.faults.reset();
});

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A receiver and an endpoint pointing at it, subscribed to `types`. */
async function receiverWithEndpoint(types: readonly string[] = EVENT_TYPES) {
  const receiver = await startWebhookReceiver();
  const created = await endpoints.createEndpoint({
    input: { url: receiver.endpointUrl, eventTypes: [...types] },
    actor: admin,
  });
  rememberSecret(created.secret);
  receiver.setSecrets([created.secret]);
  return { receiver, endpointId: created.id, secret: created.secret };
}

/** Keeps every body the receiver got for the end-of-run secret scan. */
function keepBodies(receiver: StartedWebhookReceiver) {
  keepOutput(
    "webhook-bodies.jsonl",
    receiver.requests.map((r) => `${r.webhookId} ${r.signature}\n${r.body}`).join("\n"),
  );
}

async function connectSeller(sellerName?: string, opts: { store?: SecretStore } = {}) {
  const { seller, link } = await harness.sellerWithLink(sellerName);
  const start = await harness.connectAndApprove(h, link.token);
  const cb = await harness.callback(
    h,
    [
      ["code", start.code],
      ["state", start.state],
    ],
    start.cookie,
    opts.store ? { store: opts.store } : {},
  );
  return { seller, link, reference: cb.location.split("/").pop() ?? "" };
}

/** A reconnection: the first link is used up once the seller connected, so a fresh one is issued. */
async function connectAgain(sellerId: string) {
  const { createOnboardingLink } = await import("@/lib/sellers");
  const link = await createOnboardingLink({ sellerId, createdBy: "test" });
  const start = await harness.connectAndApprove(h, link.token);
  await harness.callback(
    h,
    [
      ["code", start.code],
      ["state", start.state],
    ],
    start.cookie,
  );
}

const ofSeller = (receiver: StartedWebhookReceiver, sellerId: string) =>
  receiver.delivered().filter((r) => (r.event?.data.seller as { id?: string } | undefined)?.id === sellerId);

describe("every event type fires once per cause", () => {
  it("seller, authorization, credential and connection events reach a verifying receiver", async () => {
    const { receiver, endpointId, secret } = await receiverWithEndpoint();
    try {
      // seller.connected, then credential.superseded + seller.connected when the seller connects again.
      const first = await connectSeller();
      await connectAgain(first.seller.id);
      // authorization.declined
      const declined = await harness.sellerWithLink();
      const start = await harness.clickConnect(h, declined.link.token);
      await harness.callback(
        h,
        [
          ["error", "access_denied"],
          ["state", start.state ?? ""],
        ],
        start.cookie,
      );
      // authorization.failed
      const failed = await harness.sellerWithLink();
      h.sim.setFaults({ failNext: 1, status: 500 }, "exchange");
      const failedStart = await harness.connectAndApprove(h, failed.link.token);
      await harness.callback(
        h,
        [
          ["code", failedStart.code],
          ["state", failedStart.state],
        ],
        failedStart.cookie,
      );
      // authorization.key_storage_delayed, then key_stored + seller.connected when the retry stores it.
      const down: SecretStore = {
        backend: "local",
        put: () => Promise.reject(new secrets.SecretStoreError("unreachable", "the secret store is unreachable")),
        get: () => Promise.reject(new secrets.SecretStoreError("unreachable", "down")),
        describe: () => Promise.reject(new secrets.SecretStoreError("unreachable", "down")),
        scheduleDeletion: () => Promise.reject(new secrets.SecretStoreError("unreachable", "down")),
        probe: () => Promise.reject(new secrets.SecretStoreError("unreachable", "down")),
      };
      const delayed = await connectSeller(undefined, { store: down });
      const pending = await db().pendingSecret.findFirstOrThrow({
        where: { secretName: { contains: "noon/sellers" } },
        orderBy: { createdAt: "desc" },
      });
      expect((await secrets.retryPendingSecret(pending.id, { store: secrets.secretStore() })).status).toBe("stored");
      // connection.unhealthy, then connection.recovered.
      const { createConnection, testConnection } = await import("@/lib/connections/service");
      const connection = await createConnection(
        {
          provider: "NOYO",
          environment: "SANDBOX",
          name: `hooks-${randomUUID().slice(0, 6)}`,
          clientId: noyoClient.clientId,
          clientSecret: noyoClient.clientSecret,
          tokenUrl: noyo.tokenUrl,
          apiBaseUrl: noyo.apiBaseUrl,
        },
        admin,
      );
      noyo.setFaults({ failNext: 1, status: 500 }, "token");
      expect((await testConnection(connection.id, admin)).ok).toBe(false);
      expect((await testConnection(connection.id, admin)).ok).toBe(true);
      expect((await testConnection(connection.id, admin)).ok).toBe(true); // healthy stays quiet

      const expected: Array<[string, string]> = [
        [first.seller.id, "seller.connected"],
        [first.seller.id, "credential.superseded"],
        [first.seller.id, "seller.connected"],
        [declined.seller.id, "authorization.declined"],
        [failed.seller.id, "authorization.failed"],
        [delayed.seller.id, "authorization.key_storage_delayed"],
        [delayed.seller.id, "authorization.key_stored"],
        [delayed.seller.id, "seller.connected"],
      ];
      await until("every event", () => (receiver.delivered().length >= expected.length + 2 ? true : undefined));
      // Nothing more arrives (no duplicate from a second dispatch).
      await new Promise((r) => setTimeout(r, 1_500));
      keepBodies(receiver);

      const seen = receiver.delivered();
      expect(seen.every((r) => r.verified)).toBe(true);
      const sellerEvents = seen.filter((r) => r.event?.type.startsWith("connection.") === false);
      const bySeller = (id: string) =>
        sellerEvents
          .filter((r) => (r.event?.data.seller as { id: string }).id === id)
          .sort((a, b) => (a.event?.sequence ?? 0) - (b.event?.sequence ?? 0));
      for (const sellerId of new Set(expected.map(([s]) => s))) {
        expect(bySeller(sellerId).map((r) => r.event?.type)).toEqual(
          expected.filter(([s]) => s === sellerId).map(([, t]) => t),
        );
        expect(bySeller(sellerId).map((r) => r.event?.sequence)).toEqual(bySeller(sellerId).map((_, i) => i + 1));
      }
      const connectionEvents = seen.filter(
        (r) => (r.event?.data.connection as { id?: string } | undefined)?.id === connection.id,
      );
      expect(connectionEvents.map((r) => [r.event?.type, r.event?.sequence])).toEqual([
        ["connection.unhealthy", 1],
        ["connection.recovered", 2],
      ]);
      expect(seen).toHaveLength(expected.length + 2);

      // What the events say.
      const connected = bySeller(first.seller.id)[2]?.event?.data as {
        credential: Record<string, unknown>;
        authorization: { reference: string };
      };
      const activeCredential = await db().sellerCredential.findFirstOrThrow({
        where: { sellerId: first.seller.id, status: "ACTIVE" },
      });
      expect(connected.credential).toMatchObject({
        id: activeCredential.id,
        keyId: activeCredential.keyId,
        secretName: activeCredential.secretName,
        secretVersionId: activeCredential.secretVersionId,
        status: "ACTIVE",
      });
      const failure = bySeller(failed.seller.id)[0]?.event?.data;
      expect(failure).toMatchObject({ stage: "token_exchange", httpStatus: 500 });
      expect(typeof failure?.message).toBe("string");
      expect(bySeller(delayed.seller.id)[1]?.event?.data).toMatchObject({ attempts: 2 });
      expect(connectionEvents[0]?.event?.data).toMatchObject({
        httpStatus: 500,
        connection: { id: connection.id, provider: "NOYO" },
      });

      // Never a secret: no issued key, no client secret, no signing secret in any body.
      const bodies = receiver.requests.map((r) => r.body).join("\n");
      for (const key of h.sim.state.issuedKeys.values()) {
        rememberSecret(key.privateKeyPem);
        expect(bodies).not.toContain(key.privateKeyPem.split("\n")[1] ?? "missing");
      }
      expect(bodies).not.toContain(noyoClient.clientSecret);
      expect(bodies).not.toContain(secret.slice(6));
      const stored = await db().webhookDelivery.count({ where: { endpointId, status: "SUCCEEDED" } });
      expect(stored).toBe(expected.length + 2);
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });
});

describe("delivery", () => {
  it("a receiver failing 3 times then succeeding gets the event once as a success, with 3 failures logged", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      receiver.faults.failNext = 3;
      const { seller } = await connectSeller();
      const delivery = await until("the delivery", async () => {
        const d = await db().webhookDelivery.findFirst({
          where: { endpointId, status: "SUCCEEDED" },
          include: { attemptLog: { orderBy: { id: "asc" } }, event: true },
        });
        return d ?? undefined;
      });
      keepBodies(receiver);
      expect(delivery.attempts).toBe(4);
      expect(delivery.attemptLog.map((a) => [a.ok, a.httpStatus])).toEqual([
        [false, 500],
        [false, 500],
        [false, 500],
        [true, 200],
      ]);
      expect(ofSeller(receiver, seller.id)).toHaveLength(1);
      // All four requests carried the same webhook-id; each a fresh timestamp and signature.
      expect(new Set(receiver.requests.map((r) => r.webhookId))).toEqual(new Set([`msg_${delivery.eventId}`]));
      expect(receiver.requests).toHaveLength(4);
      // What the dashboard shows of it.
      const { getDelivery, listDeliveries, listEndpoints } = await import("./queries");
      const shown = await getDelivery(endpointId, delivery.id);
      expect(shown).toMatchObject({
        status: "SUCCEEDED",
        attempts: 4,
        lastHttpStatus: 200,
        webhookId: `msg_${delivery.eventId}`,
        eventType: "seller.connected",
      });
      expect(shown?.attemptLog.map((a) => a.httpStatus)).toEqual([500, 500, 500, 200]);
      expect(JSON.parse(shown?.payload ?? "{}")).toMatchObject({
        type: "seller.connected",
        data: { seller: { id: seller.id } },
      });
      expect((await listDeliveries(endpointId, {})).rows.map((r) => r.id)).toEqual([delivery.id]);
      expect((await listEndpoints()).find((e) => e.id === endpointId)).toMatchObject({
        pending: 0,
        failingSince: null,
      });
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });

  it("honours Retry-After on 429 and 503", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      Object.assign(receiver.faults, { failNext: 1, status: 429, retryAfter: "2" });
      await connectSeller();
      const delivery = await until(
        "the delivery",
        async () =>
          (await db().webhookDelivery.findFirst({
            where: { endpointId, status: "SUCCEEDED" },
            include: { attemptLog: { orderBy: { id: "asc" } } },
          })) ?? undefined,
      );
      const [refused, accepted] = delivery.attemptLog;
      expect(refused?.httpStatus).toBe(429);
      // The recorded attempts are at least Retry-After apart (the schedule alone would wait 200 ms).
      expect((accepted?.at.getTime() ?? 0) - (refused?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(2_000);
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });

  it("a redirect and a timeout are failed attempts (the redirect is not followed)", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      deliver.configureDeliveries({ schedule: FAST, timeoutMs: 1_000 });
      Object.assign(receiver.faults, { failNext: 1, status: 302 });
      await connectSeller();
      const delivery = await until(
        "the delivery",
        async () =>
          (await db().webhookDelivery.findFirst({
            where: { endpointId, status: "SUCCEEDED" },
            include: { attemptLog: { orderBy: { id: "asc" } } },
          })) ?? undefined,
      );
      expect(delivery.attemptLog.map((a) => [a.ok, a.httpStatus])).toEqual([
        [false, 302],
        [true, 200],
      ]);
      expect(delivery.attemptLog[0]?.error).toMatch(/redirect/);
      receiver.faults.delayMs = 2_500;
      await connectSeller();
      const slow = await until(
        "a timed-out attempt",
        async () =>
          (await db().webhookAttempt.findFirst({ where: { delivery: { endpointId }, ok: false, httpStatus: null } })) ??
          undefined,
      );
      expect(slow.error).toMatch(/did not answer within 1 s/);
    } finally {
      deliver.configureDeliveries({ schedule: FAST });
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });

  it("410 Gone disables the endpoint, audited; later events make no deliveries for it", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      receiver.faults.gone = true;
      await connectSeller();
      const endpoint = await until("the endpoint disabled", async () => {
        const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
        return row.disabledAt ? row : undefined;
      });
      expect(endpoint.disabledReason).toBe("gone");
      const delivery = await db().webhookDelivery.findFirstOrThrow({ where: { endpointId } });
      expect(delivery).toMatchObject({ status: "FAILED", attempts: 1, lastHttpStatus: 410, nextAttemptAt: null });
      const audit = await db().auditEvent.findFirstOrThrow({
        where: { action: "webhook.disabled", targetId: endpointId },
      });
      expect(audit).toMatchObject({ actorType: "system", details: expect.objectContaining({ reason: "gone" }) });
      await connectSeller();
      expect(await db().webhookDelivery.count({ where: { endpointId } })).toBe(1);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });

  it("an endpoint failing for 5 days is disabled and audited", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      await db().webhookEndpoint.update({
        where: { id: endpointId },
        data: { failingSince: new Date(Date.now() - 5 * 86_400_000 - 60_000) },
      });
      receiver.faults.failNext = 1;
      await connectSeller();
      const endpoint = await until("the endpoint disabled", async () => {
        const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
        return row.disabledAt ? row : undefined;
      });
      expect(endpoint.disabledReason).toBe("failing");
      expect(await db().auditEvent.count({ where: { action: "webhook.disabled", targetId: endpointId } })).toBe(1);
      // The delivery stops: its pending retry finds the endpoint disabled.
      const delivery = await until("the delivery to give up", async () => {
        const d = await db().webhookDelivery.findFirstOrThrow({ where: { endpointId } });
        return d.status === "FAILED" ? d : undefined;
      });
      expect(delivery.lastError).toMatch(/disabled/);
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });

  it("one delivery is sent once even when several workers reach for it", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      receiver.faults.delayMs = 300;
      await jobs.stopJobWorkers({ timeoutMs: 5_000 });
      await connectSeller();
      const delivery = await db().webhookDelivery.findFirstOrThrow({ where: { endpointId } });
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => deliver.attemptDelivery(delivery.id)));
      expect(outcomes.filter((o) => o.status === "succeeded")).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === "skipped")).toHaveLength(4);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await jobs.startJobWorkers();
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });
});

describe("endpoint management", () => {
  it("edits, disables, enables and deletes an endpoint, each audited; a disabled endpoint gets no deliveries", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected"]);
    try {
      await endpoints.updateEndpoint({
        id: endpointId,
        input: {
          url: receiver.endpointUrl,
          description: "Backend",
          eventTypes: ["seller.connected", "authorization.failed"],
        },
        actor: admin,
      });
      await endpoints.setEndpointEnabled({ id: endpointId, enabled: false, actor: admin });
      await connectSeller();
      expect(await db().webhookDelivery.count({ where: { endpointId } })).toBe(0);
      await endpoints.setEndpointEnabled({ id: endpointId, enabled: true, actor: admin });
      const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
      expect(row).toMatchObject({
        description: "Backend",
        eventTypes: ["seller.connected", "authorization.failed"],
        disabledAt: null,
      });
      await endpoints.deleteEndpoint({ id: endpointId, actor: admin });
      expect(await db().webhookEndpoint.count({ where: { id: endpointId } })).toBe(0);
      expect((await secrets.secretStore().describe(row.secretName)).deletionScheduledFor).not.toBeNull();
      const actions = await db().auditEvent.findMany({
        where: { targetId: endpointId },
        orderBy: { id: "asc" },
        select: { action: true, actorId: true },
      });
      expect(actions.map((a) => a.action)).toEqual([
        "webhook.created",
        "webhook.updated",
        "webhook.disabled",
        "webhook.enabled",
        "webhook.deleted",
      ]);
      expect(new Set(actions.map((a) => a.actorId))).toEqual(new Set([admin.id]));
      await expect(
        endpoints.updateEndpoint({
          id: endpointId,
          input: { url: receiver.endpointUrl, eventTypes: ["seller.connected"] },
          actor: admin,
        }),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });
});

describe("signing secret rotation", () => {
  it("during the overlap every delivery verifies with the old and with the new secret; after it, with the new only", async () => {
    const { receiver, endpointId, secret: oldSecret } = await receiverWithEndpoint(["seller.connected"]);
    try {
      const rotated = await endpoints.rotateEndpointSecret({
        id: endpointId,
        input: { overlapHours: 24 },
        actor: admin,
      });
      rememberSecret(rotated.secret);
      expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(rotated.previousValidUntil).not.toBeNull();
      await operations.sendTestEvent(endpointId, admin);
      const first = await until("the test event", () => receiver.delivered()[0]);
      expect(first.signature.split(" ")).toHaveLength(2);
      const { Webhook } = await import("standardwebhooks");
      const headers = {
        "webhook-id": first.webhookId,
        "webhook-timestamp": first.timestamp,
        "webhook-signature": first.signature,
      };
      expect(new Webhook(oldSecret).verify(first.body, headers)).toMatchObject({ type: "webhook.test" });
      expect(new Webhook(rotated.secret).verify(first.body, headers)).toMatchObject({ type: "webhook.test" });

      // A rotation without overlap: only the newest secret signs; the old ones no longer verify.
      const again = await endpoints.rotateEndpointSecret({ id: endpointId, input: { overlapHours: 0 }, actor: admin });
      rememberSecret(again.secret);
      receiver.setSecrets([oldSecret, rotated.secret]);
      await operations.sendTestEvent(endpointId, admin);
      const refused = await until("the second test event", () => receiver.requests[1]);
      expect(refused.verified).toBe(false);
      expect(refused.signature.split(" ")).toHaveLength(1);
      expect(
        new Webhook(again.secret).verify(refused.body, {
          "webhook-id": refused.webhookId,
          "webhook-timestamp": refused.timestamp,
          "webhook-signature": refused.signature,
        }),
      ).toBeTruthy();
      receiver.setSecrets([again.secret]);
      const settled = await until("the retry", () => receiver.delivered()[1]);
      expect(settled.webhookId).toBe(refused.webhookId);
      keepBodies(receiver);

      const actions = await db().auditEvent.findMany({
        where: { targetId: endpointId },
        orderBy: { id: "asc" },
        select: { action: true },
      });
      expect(actions.map((a) => a.action)).toEqual([
        "webhook.created",
        "webhook.secret_rotated",
        "webhook.test_sent",
        "webhook.secret_rotated",
        "webhook.test_sent",
      ]);
      const row = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
      // Only references in the database, never the secret.
      expect(JSON.stringify(row)).not.toContain(again.secret.slice(6));
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });
});

describe("sequence numbers", () => {
  it("are gap-free and unique per seller under concurrent transactions, rolled-back ones included", async () => {
    const stream = `seller:${randomUUID()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        db().$transaction(async (tx) => {
          await emit.emitEvent(tx, { type: "seller.connected", stream, data: { n: i } });
          if (i % 5 === 0) throw new Error("rolled back on purpose");
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(6);
    const rows = await db().webhookEvent.findMany({
      where: { stream },
      orderBy: { sequence: "asc" },
      select: { sequence: true },
    });
    expect(rows.map((r) => Number(r.sequence))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it("concurrent connections of one seller get consecutive numbers in commit order", async () => {
    const { seller, link } = await harness.sellerWithLink();
    const starts = [];
    for (let i = 0; i < 4; i++) starts.push(await harness.connectAndApprove(h, link.token));
    // Each connect replaced the seller's session; the callbacks use each request's own cookie.
    await Promise.all(
      starts.map((s) =>
        harness.callback(
          h,
          [
            ["code", s.code],
            ["state", s.state],
          ],
          s.cookie,
        ),
      ),
    );
    const events = await db().webhookEvent.findMany({
      where: { stream: `seller:${seller.id}` },
      orderBy: { sequence: "asc" },
    });
    expect(events.map((e) => Number(e.sequence))).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "seller.connected").length).toBeGreaterThanOrEqual(1);
  });
});

describe("redelivery and the test event", () => {
  it("redelivers one event, and everything since a time, with the same webhook-id", async () => {
    const { receiver, endpointId } = await receiverWithEndpoint(["seller.connected", "authorization.declined"]);
    try {
      const since = new Date();
      await connectSeller();
      await connectSeller();
      await until("two deliveries", () => (receiver.delivered().length >= 2 ? true : undefined));
      const firstDelivery = await db().webhookDelivery.findFirstOrThrow({
        where: { endpointId },
        orderBy: { createdAt: "asc" },
      });
      await operations.redeliver(firstDelivery.id, admin);
      await until("the redelivery", () => (receiver.delivered().length >= 3 ? true : undefined));
      expect(receiver.delivered()[2]?.webhookId).toBe(`msg_${firstDelivery.eventId}`);
      const { count } = await operations.redeliverSince({
        endpointId,
        input: { since: since.toISOString() },
        actor: admin,
      });
      expect(count).toBe(2);
      await until("both again", () => (receiver.delivered().length >= 5 ? true : undefined));
      // Sent concurrently: the same two webhook-ids, in any order.
      expect(
        receiver
          .delivered()
          .slice(3)
          .map((r) => r.webhookId)
          .sort(),
      ).toEqual(
        receiver
          .delivered()
          .slice(0, 2)
          .map((r) => r.webhookId)
          .sort(),
      );
      await expect(
        operations.redeliverSince({ endpointId, input: { since: "not a date" }, actor: admin }),
      ).rejects.toThrow();
      await expect(
        operations.redeliverSince({
          endpointId,
          input: { since: new Date(Date.now() + 3_600_000).toISOString() },
          actor: admin,
        }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      keepBodies(receiver);
    } finally {
      await receiver.close();
      await db().webhookEndpoint.deleteMany({});
    }
  });

  it("refuses unsafe URLs and unknown event types with a message per field", async () => {
    await expect(
      endpoints.createEndpoint({
        input: { url: "http://hooks.example.com/x", eventTypes: ["seller.connected"] },
        actor: admin,
      }),
    ).rejects.toMatchObject({
      issues: [{ path: ["url"], message: expect.stringContaining("http:// only for loopback") }],
    });
    await expect(
      endpoints.createEndpoint({
        input: { url: "https://169.254.169.254/x", eventTypes: ["seller.connected"] },
        actor: admin,
      }),
    ).rejects.toMatchObject({ issues: [{ path: ["url"] }] });
    await expect(
      endpoints.createEndpoint({ input: { url: "https://hooks.example.com/x", eventTypes: [] }, actor: admin }),
    ).rejects.toMatchObject({ issues: [{ path: ["eventTypes"] }] });
    await expect(
      endpoints.createEndpoint({
        input: { url: "https://hooks.example.com/x", eventTypes: ["seller.deleted"] },
        actor: admin,
      }),
    ).rejects.toMatchObject({ issues: [{ path: ["eventTypes", 0] }] });
  });
});
