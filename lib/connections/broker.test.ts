// The token broker against real PostgreSQL, real simulators and real separate processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { outboundRequest } from "@/lib/http/outbound";
import { startInyoSimulator, type StartedInyoSimulator } from "@/simulators/inyo/index";
import { startNoyoSimulator, type StartedNoyoSimulator } from "@/simulators/noyo/index";
import { rememberSecret } from "@/tests/support/secret-scan";
import { TokenBroker, backoffMs, cooldownMs, refreshLeadMs } from "./broker";
import { providerAdapter } from "./providers/index";
import { startBrokerChildren } from "@/tests/support/connections/children";
import { createTestConnection, testSecret } from "@/tests/support/connections/fixtures";

const until = async (condition: () => boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("TokenBroker across processes", () => {
  let sim: StartedNoyoSimulator;
  const clientId = `noyo-${crypto.randomUUID()}`;
  const clientSecret = testSecret("noyo-broker");
  beforeAll(async () => {
    // Tokens live 6 s so the test can also cross an expiry (and a slow machine still finishes a round well within it).
    sim = await startNoyoSimulator({ clients: [{ clientId, clientSecret }], tokenLifetimeSeconds: 6 });
  });
  afterAll(() => sim.close());

  it("3 processes × 100 concurrent getToken → exactly one token request; past expiry → exactly one refresh", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const children = await startBrokerChildren(3, id, 100);
    try {
      const first = await children.round();
      expect(first.map((r) => r.failed)).toEqual([0, 0, 0]);
      expect(first.reduce((n, r) => n + r.ok, 0)).toBe(300);
      const firstTokens = new Set(first.flatMap((r) => Object.keys(r.tokens)));
      expect(firstTokens.size).toBe(1);
      expect(sim.counters().tokenRequestsByClient[clientId]).toBe(1);

      const stored = await db().connectionToken.findUniqueOrThrow({ where: { connectionId: id } });
      await until(() => Date.now() > stored.expiresAt.getTime() + 50);

      const second = await children.round();
      expect(second.map((r) => r.failed)).toEqual([0, 0, 0]);
      const secondTokens = new Set(second.flatMap((r) => Object.keys(r.tokens)));
      expect(secondTokens.size).toBe(1);
      expect([...secondTokens][0]).not.toBe([...firstTokens][0]);
      expect(sim.counters().tokenRequestsByClient[clientId]).toBe(2);
    } finally {
      await children.close();
    }
  }, 90_000);
});

describe("TokenBroker in one process", () => {
  let noyo: StartedNoyoSimulator;
  const clientId = `noyo-${crypto.randomUUID()}`;
  const clientSecret = testSecret("noyo-inproc");
  beforeAll(async () => {
    noyo = await startNoyoSimulator({ clients: [{ clientId, clientSecret }] });
  });
  afterAll(() => noyo.close());
  const noyoConnection = () =>
    createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: noyo.tokenUrl,
      apiBaseUrl: noyo.apiBaseUrl,
    });

  it("keeps the token sealed at rest", async () => {
    const id = await noyoConnection();
    const broker = new TokenBroker();
    const token = await broker.getToken(id);
    if (!token.ok) throw token.error;
    rememberSecret(token.data.accessToken);
    const row = await db().connectionToken.findUniqueOrThrow({ where: { connectionId: id }, omit: { sealed: false } });
    expect(Buffer.from(row.sealed).toString("latin1")).not.toContain(token.data.accessToken.slice(0, 40));
    // Served from memory and from the table without another request.
    const again = await new TokenBroker().getToken(id);
    expect(again.ok && again.data.accessToken).toBe(token.data.accessToken);
    expect(noyo.counters().tokenRequestsByClient[clientId]).toBe(1);
  });

  it("a holder paused past its lease does not overwrite the newer leader's token (fencing)", async () => {
    const id = await noyoConnection();
    noyo.reset();
    // Holder A gets its token from Noyo, then stalls (a GC pause, a frozen VM) before writing it.
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let stalled!: () => void;
    const stalledNow = new Promise<void>((resolve) => (stalled = resolve));
    const a = new TokenBroker({
      leaseMs: 300,
      adapter: (provider) => {
        const real = providerAdapter(provider);
        return {
          ...real,
          fetchToken: async (...args: Parameters<typeof real.fetchToken>) => {
            const result = await real.fetchToken(...args);
            stalled();
            await paused;
            return result;
          },
        };
      },
    });
    const fromA = a.getToken(id);
    await stalledNow;
    await new Promise((r) => setTimeout(r, 400)); // A's lease has expired
    // B (another process) takes the lease, gets a newer token and writes it.
    const fromB = await new TokenBroker({ leaseMs: 300 }).getToken(id);
    if (!fromB.ok) throw fromB.error;
    rememberSecret(fromB.data.accessToken);
    resume();
    const late = await fromA;
    expect(noyo.counters().tokenRequestsByClient[clientId]).toBe(2);
    // A's write was refused by the fence: the stored token is still B's, and A's callers get B's too.
    const stored = await new TokenBroker().getToken(id);
    expect(stored.ok && stored.data.accessToken).toBe(fromB.data.accessToken);
    expect(late.ok && late.data.accessToken).toBe(fromB.data.accessToken);
    const fetched = await db().connectionEvent.count({ where: { connectionId: id, type: "token_fetched" } });
    expect(fetched).toBe(1);
  });

  it("a 401 (and a 403) from the API → one new token, one retry", async () => {
    const id = await noyoConnection();
    const broker = new TokenBroker();
    noyo.reset();
    const call = (token: { accessToken: string }) =>
      outboundRequest(`${noyo.apiBaseUrl}/api/v1/groups`, {
        method: "GET",
        headers: { authorization: `Bearer ${token.accessToken}` },
      });

    const warm = await broker.callApi(id, call);
    expect(warm.ok && warm.data.status).toBe(200);
    expect(noyo.counters().tokenRequestsByClient[clientId]).toBe(1);

    noyo.setFaults({ unauthorizedNext: 1 }, "groups");
    const retried = await broker.callApi(id, call);
    expect(retried.ok && retried.data.status).toBe(200);
    expect(noyo.counters().tokenRequestsByClient[clientId]).toBe(2);
    expect(noyo.counters().endpoints.groups?.received).toBe(3);

    noyo.setFaults({ forbiddenNext: 1 }, "groups");
    const retried403 = await broker.callApi(id, call);
    expect(retried403.ok && retried403.data.status).toBe(200);
    expect(noyo.counters().tokenRequestsByClient[clientId]).toBe(3);

    // Ten callers refused the same token at once: still one new token.
    const before = noyo.counters().tokenRequestsByClient[clientId] ?? 0;
    const current = await broker.getToken(id);
    if (!current.ok) throw current.error;
    const renewed = await Promise.all(
      Array.from({ length: 10 }, () => broker.getToken(id, { rejectedToken: current.data.accessToken })),
    );
    expect(new Set(renewed.map((r) => r.ok && r.data.accessToken)).size).toBe(1);
    expect(noyo.counters().tokenRequestsByClient[clientId]).toBe(before + 1);
  });

  it("a failure is explained, recorded in health, and followed by a cooldown (no second request)", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret: testSecret("wrong"),
      tokenUrl: noyo.tokenUrl,
      apiBaseUrl: noyo.apiBaseUrl,
    });
    noyo.reset();
    const broker = new TokenBroker();
    const first = await broker.getToken(id);
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.userMessage).toBe(
      "Noyo rejected the credentials (401, code 16: JWT validation failed: Missing or invalid credentials)",
    );
    const second = await new TokenBroker().getToken(id);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.userMessage).toMatch(/next attempt is allowed in \d+ s/);
    expect(noyo.counters().endpoints.token?.received).toBe(1);
    const health = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(health.consecutiveFailures).toBe(1);
    expect(health.lastFailureMessage).toContain("code 16");
    expect(health.cooldownUntil?.getTime()).toBeGreaterThan(Date.now());
  });

  it("a success after failures announces the recovery; a healthy success records itself in the same statement as the token", async () => {
    const id = await noyoConnection();
    const recovered = () =>
      db().webhookEvent.count({ where: { stream: `connection:${id}`, type: "connection.recovered" } });
    noyo.setFaults({ failNext: 1, status: 400 }, "token");
    expect((await new TokenBroker().getToken(id)).ok).toBe(false);
    await db().connection.update({ where: { id }, data: { cooldownUntil: null } });
    const afterFailure = await new TokenBroker().getToken(id);
    expect(afterFailure.ok).toBe(true);
    if (afterFailure.ok) rememberSecret(afterFailure.data.accessToken);
    const healed = await db().connection.findUniqueOrThrow({ where: { id } });
    expect({ failures: healed.consecutiveFailures, cooldown: healed.cooldownUntil }).toEqual({
      failures: 0,
      cooldown: null,
    });
    expect(healed.lastSuccessAt).not.toBeNull();
    expect(await recovered()).toBe(1);

    // Healthy now: the next token (the stored one gone) is written with its health, and announces nothing.
    await db().connectionToken.deleteMany({ where: { connectionId: id } });
    const healthy = await new TokenBroker().getToken(id);
    expect(healthy.ok).toBe(true);
    if (healthy.ok) rememberSecret(healthy.data.accessToken);
    const after = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(after.lastSuccessAt?.getTime()).toBeGreaterThanOrEqual(healed.lastSuccessAt?.getTime() ?? Infinity);
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(healed.updatedAt.getTime());
    expect(await recovered()).toBe(1);
    const events = await db().connectionEvent.findMany({
      where: { connectionId: id, type: { startsWith: "token_" } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.type, e.ok, e.httpStatus])).toEqual([
      ["token_failed", false, 400],
      ["token_fetched", true, 200],
      ["token_fetched", true, 200],
    ]);
    expect(await db().connectionToken.count({ where: { connectionId: id } })).toBe(1);
  });

  it("backs off on 503 honouring Retry-After and the caller gets a token", async () => {
    const id = await noyoConnection();
    noyo.reset();
    noyo.setFaults({ failNext: 2, status: 503, retryAfterSeconds: 1 }, "token");
    const waits: number[] = [];
    const broker = new TokenBroker({ sleep: (ms) => (waits.push(ms), new Promise((r) => setTimeout(r, ms))) });
    const token = await broker.getToken(id);
    expect(token.ok).toBe(true);
    expect(noyo.counters().endpoints.token?.received).toBe(3);
    expect(waits.length).toBe(2);
    expect(waits.every((w) => w >= 1000)).toBe(true);
  });
});

describe("TokenBroker and Inyo's token rate limit", () => {
  let inyo: StartedInyoSimulator;
  const clientId = `inyo-${crypto.randomUUID()}`;
  const clientSecret = testSecret("inyo-burst");
  // Inyo's 60 a minute, scaled down: the simulator's clock runs 20× fast (its 60 s window lasts 3 s)
  // and allows 5 per window; the broker is told the same 5 per 3 s.
  const start = Date.now();
  const fast = () => start + (Date.now() - start) * 20;
  beforeAll(async () => {
    inyo = await startInyoSimulator({ clients: [{ clientId, clientSecret }], tokenRateLimitPerMinute: 5, clock: fast });
  });
  afterAll(() => inyo.close());

  it("a burst past the limit: every caller gets a token and no 429 reaches anyone", async () => {
    const id = await createTestConnection({ provider: "INYO", clientId, clientSecret, tokenUrl: inyo.tokenUrl });
    const broker = new TokenBroker({ rateLimit: () => ({ limit: 5, windowMs: 3_000 }) });
    let current = await broker.getToken(id);
    const outcomes: boolean[] = [current.ok];
    // 12 forced renewals (as if the API refused each token): more than two windows' worth.
    for (let i = 0; i < 12; i++) {
      if (!current.ok) break;
      rememberSecret(current.data.accessToken);
      current = await broker.getToken(id, { rejectedToken: current.data.accessToken });
      outcomes.push(current.ok);
    }
    expect(outcomes.every(Boolean)).toBe(true);
    expect(inyo.counters().tokensIssuedByClient[clientId]).toBe(13);
    // Paced, not refused: the provider never had to answer 429.
    expect(inyo.counters().endpoints.token?.rejected.rate_limited ?? 0).toBe(0);

    // A 429 from elsewhere (another client of the same account, say) is absorbed by backoff too.
    inyo.setFaults({ failNext: 2, status: 429, retryAfterSeconds: 1 }, "token");
    if (!current.ok) throw current.error;
    const after429 = await broker.getToken(id, { rejectedToken: current.data.accessToken });
    expect(after429.ok).toBe(true);
    if (after429.ok) rememberSecret(after429.data.accessToken);
  }, 60_000);
});

describe("broker arithmetic", () => {
  it("refreshes a fifth of the lifetime ahead (at most a minute), cools down 5 s doubling to 60 s", () => {
    expect(refreshLeadMs(10 * 60_000)).toBe(60_000);
    expect(refreshLeadMs(4_000)).toBe(800);
    expect([1, 2, 3, 4, 5].map(cooldownMs)).toEqual([5_000, 10_000, 20_000, 40_000, 60_000]);
    expect(backoffMs(0, 2_000, () => 0.5)).toBe(2_250);
    expect(backoffMs(3, undefined, () => 1)).toBe(4_000);
  });
});
