// Integration: the seller's Connect → Noon → callback journey against the Noon simulator (in process)
// and the run's PostgreSQL, through the route handlers' own functions with real Request objects.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { registerBackgroundWork } from "@/lib/server/start";
import { db } from "@/lib/db/client";
import { secretStore, SecretStoreError, retryPendingSecret, type SecretStore } from "@/lib/secrets";
import { createOnboardingLink, isOnboardingLinkActive, listSellerLinks, resolveOnboardingLink } from "@/lib/sellers";
import { rememberSecret } from "@/tests/support/secret-scan";
import { STATE_TTL_MS } from "./authorizations";
import { sellerSessionCookie } from "./session";
import { handleNoonCallback } from "./callback";
import { authorizationResult } from "./status";
import {
  APP,
  callback,
  clickConnect,
  clickTryAgain,
  COMPLETED_TIMELINE,
  connectAndApprove,
  sellerWithLink,
  upstreamCalls,
} from "@/tests/support/noon-harness";
import { noonHarnessPerFile } from "@/tests/support/noon-harness-per-file";

const h = noonHarnessPerFile({ timeoutMs: 3_000 });

async function authByReference(reference: string) {
  return db().noonAuthorization.findUniqueOrThrow({
    where: { reference },
    include: { events: { orderBy: { id: "asc" } }, credential: true },
  });
}

const referenceOf = (location: string) => location.split("/").pop() ?? "";

async function rejectionsFor(sellerId: string | null, reason: string) {
  return db().noonCallbackRejection.count({ where: { reason, ...(sellerId ? { sellerId } : {}) } });
}

describe("a seller connects their Noon account", () => {
  it("stores exactly the key Noon issued and records the request", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await clickConnect(h, link.token);
    expect(start.response.status).toBe(303);
    const target = new URL(start.location);
    expect(`${target.origin}${target.pathname}`).toBe(h.sim.authorizeUrl);
    expect(target.searchParams.get("client_id")).toBe(h.sim.clientId);
    expect([...target.searchParams.keys()].sort()).toEqual(["client_id", "state"]);
    expect(start.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = start.response.headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    // The state lives only sealed in the cookie and hashed in the row.
    expect(setCookie).not.toContain(start.state ?? "missing");

    const code = h.sim.issueAuthorizationCode({ projectCode: "PRJ424242" });
    rememberSecret(code);
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", code],
        ["state", start.state ?? ""],
      ],
      start.cookie,
    );
    expect(cb.response.status).toBe(303);
    expect(cb.location).toMatch(/^\/onboard\/result\/NA-[0-9A-Z]{8}$/);
    expect(cb.response.headers.get("cache-control")).toBe("no-store");
    expect(cb.response.headers.get("referrer-policy")).toBe("no-referrer");
    const after = upstreamCalls(h.sim);
    expect(after.create - before.create).toBe(1);
    expect(after.exchange - before.exchange).toBe(1);

    const auth = await authByReference(referenceOf(cb.location));
    const issued = h.sim.state.issuedKeys.get(auth.credential?.keyId ?? "");
    expect(issued).toBeDefined();
    if (!issued || !auth.credential) throw new Error("unreachable");
    rememberSecret(issued.privateKeyPem);
    expect(auth.status).toBe("COMPLETED");
    expect(auth.sellerId).toBe(seller.id);
    expect(auth.projectCode).toBe("PRJ424242");
    expect(auth.oauthRequestId).toBe(issued.oauthRequestId);
    expect(auth.credential).toMatchObject({
      status: "ACTIVE",
      projectCode: "PRJ424242",
      keyId: issued.keyId,
      channelIdentifier: issued.channelIdentifier,
    });
    expect(auth.credential.secretArn).toBeTruthy();
    expect(auth.events.map((e) => e.type)).toEqual(COMPLETED_TIMELINE);
    for (const e of auth.events) expect(JSON.stringify(e.details ?? {})).not.toContain(code);

    const stored = await secretStore().get(auth.credential.secretName);
    expect(Buffer.from(stored.value).equals(Buffer.from(issued.privateKeyPem))).toBe(true);

    // The result page's data, for this browser's seller only.
    const view = await authorizationResult(auth.reference, seller.id);
    expect(view).toMatchObject({ outcome: "connected", projectCode: "PRJ424242" });
    expect(await authorizationResult(auth.reference, (await sellerWithLink()).seller.id)).toBeNull();
  });

  it("keeps the previous credential as superseded when the seller connects again", async () => {
    const { seller, link } = await sellerWithLink();
    const first = await connectAndApprove(h, link.token);
    const r1 = await callback(
      h,
      [
        ["code", first.code],
        ["state", first.state],
      ],
      first.cookie,
    );
    const again = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    const second = await connectAndApprove(h, again.token);
    const r2 = await callback(
      h,
      [
        ["code", second.code],
        ["state", second.state],
      ],
      second.cookie,
    );
    const a1 = await authByReference(referenceOf(r1.location));
    const a2 = await authByReference(referenceOf(r2.location));
    expect(a1.status).toBe("SUPERSEDED");
    expect(a1.credential?.status).toBe("SUPERSEDED");
    expect(a1.credential?.supersededAt).toBeInstanceOf(Date);
    expect(a1.events.at(-1)?.type).toBe("superseded");
    expect(a2.status).toBe("COMPLETED");
    expect(a2.credential?.status).toBe("ACTIVE");
    expect(await db().sellerCredential.count({ where: { sellerId: seller.id, status: "ACTIVE" } })).toBe(1);
  });

  it("connections of one seller finishing together leave exactly one ACTIVE credential, the others superseded", async () => {
    for (let round = 0; round < 3; round++) {
      const { seller, link } = await sellerWithLink();
      const starts = [];
      // Several tabs of one browser session: each request's own cookie.
      for (let i = 0; i < 4; i++) starts.push(await connectAndApprove(h, link.token));
      // The keys reach the store together, while another session holds the seller's row: every completion
      // reads its snapshot, then waits for the row; released, they race.
      const real = secretStore();
      const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await holder.connect();
      let arrived = 0;
      let release!: () => void;
      const together = new Promise<void>((resolve) => (release = resolve));
      const store: SecretStore = {
        ...real,
        put: async (input) => {
          if (++arrived === starts.length) {
            await holder.query("BEGIN");
            await holder.query("SELECT id FROM sellers WHERE id = $1 FOR UPDATE", [seller.id]);
            release();
          }
          await together;
          return real.put(input);
        },
      };
      const finished = Promise.all(
        starts.map((s) =>
          callback(
            h,
            [
              ["code", s.code],
              ["state", s.state],
            ],
            s.cookie,
            { store },
          ),
        ),
      );
      await together;
      // Read outside the holder's transaction: within one, pg_stat_activity stays as it was first read.
      const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await watcher.connect();
      for (let waiting = 0; waiting < starts.length;) {
        const { rows } = await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM sellers s%FOR UPDATE%'`,
        );
        waiting = rows[0]?.n ?? 0;
      }
      await watcher.end();
      await holder.query("COMMIT");
      await holder.end();
      const results = await finished;
      expect(results.map((r) => r.response.status)).toEqual([303, 303, 303, 303]);
      const credentials = await db().sellerCredential.findMany({ where: { sellerId: seller.id } });
      expect(credentials).toHaveLength(4);
      expect(credentials.filter((c) => c.status === "ACTIVE")).toHaveLength(1);
      expect(credentials.filter((c) => c.status === "SUPERSEDED")).toHaveLength(3);
      const requests = await db().noonAuthorization.findMany({ where: { sellerId: seller.id } });
      expect(requests.map((r) => r.status).sort()).toEqual(["COMPLETED", "SUPERSEDED", "SUPERSEDED", "SUPERSEDED"]);
      const connected = await db().webhookEvent.count({
        where: { stream: `seller:${seller.id}`, type: "seller.connected" },
      });
      expect(connected).toBe(4);
    }
  });

  it("uses up the seller's links once the seller has connected; a link issued for a reconnection works", async () => {
    const { seller, link } = await sellerWithLink();
    const older = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    const approved = await connectAndApprove(h, link.token);
    // Issued while the seller is on Noon's consent page: for a later reconnection, it must survive.
    const later = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    const done = await callback(
      h,
      [
        ["code", approved.code],
        ["state", approved.state],
      ],
      approved.cookie,
    );
    expect((await authByReference(referenceOf(done.location))).status).toBe("COMPLETED");

    expect(await resolveOnboardingLink(link.token)).toEqual({ ok: false, reason: "used", sellerId: seller.id });
    expect(await resolveOnboardingLink(older.token)).toEqual({ ok: false, reason: "used", sellerId: seller.id });
    expect(await isOnboardingLinkActive(link.linkId)).toBe(false);
    expect(await resolveOnboardingLink(later.token)).toMatchObject({ ok: true });
    const states = Object.fromEntries((await listSellerLinks(seller.id)).map((l) => [l.id, l.state]));
    expect(states).toEqual({ [link.linkId]: "used", [older.linkId]: "used", [later.linkId]: "active" });

    // Connect with the used link: back to its page (which says it was used); nothing is started.
    const before = await db().noonAuthorization.count({ where: { sellerId: seller.id } });
    const reuse = await clickConnect(h, link.token);
    expect(reuse.response.status).toBe(303);
    expect(reuse.location).toBe(`/onboard/${link.token}`);
    // "Connect again" from this browser's session (its link is used up) is refused as well.
    const fromSession = await clickTryAgain(h, approved.cookie);
    expect(fromSession.status).toBe(400);
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(before);

    const reconnect = await connectAndApprove(h, later.token);
    const r2 = await callback(
      h,
      [
        ["code", reconnect.code],
        ["state", reconnect.state],
      ],
      reconnect.cookie,
    );
    expect((await authByReference(referenceOf(r2.location))).status).toBe("COMPLETED");
    expect(await resolveOnboardingLink(later.token)).toMatchObject({ ok: false, reason: "used" });
  });

  it("marks the request declined when Noon sends no code, calling nothing upstream", async () => {
    const { link } = await sellerWithLink();
    const start = await clickConnect(h, link.token);
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["error", "access_denied"],
        ["error_description", "The seller declined the authorization request."],
        ["state", start.state ?? ""],
      ],
      start.cookie,
    );
    expect(cb.response.status).toBe(303);
    expect(upstreamCalls(h.sim)).toEqual(before);
    const auth = await authByReference(referenceOf(cb.location));
    expect(auth.status).toBe("DECLINED");
    expect(auth.events.map((e) => e.type)).toEqual(["started", "callback_received", "declined"]);
    expect((await authorizationResult(auth.reference, auth.sellerId))?.outcome).toBe("declined");
  });
});

describe("the callback refuses a state it cannot trust, calling nothing upstream", () => {
  it("records the connecting peer's address, not the first X-Forwarded-For entry a client wrote", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const url = new URL(`${APP}/api/noon/callback`);
    url.searchParams.set("code", start.code);
    const forged = `198.18.${Math.floor(Math.random() * 250)}.1`;
    const headers = { cookie: start.cookie ?? "", "x-forwarded-for": `${forged}, 203.0.113.77` };
    const response = await handleNoonCallback(new Request(url, { headers }), h.deps());
    expect(response.status).toBe(400);
    const row = await db().noonCallbackRejection.findFirstOrThrow({
      where: { reason: "state_missing", sellerId: seller.id },
    });
    expect(row.ip).toBe("203.0.113.77");
    expect(await db().noonCallbackRejection.count({ where: { ip: forged } })).toBe(0);
  });

  it("no state", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const before = upstreamCalls(h.sim);
    const cb = await callback(h, [["code", start.code]], start.cookie);
    expect(cb.response.status).toBe(400);
    expect(cb.body).toContain("We could not complete the connection");
    expect(cb.response.headers.get("cache-control")).toBe("no-store");
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(seller.id, "state_missing")).toBe(1);
  });

  it("state twice in the query", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
        ["state", start.state],
      ],
      start.cookie,
    );
    expect(cb.response.status).toBe(400);
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(seller.id, "state_repeated")).toBe(1);
    // The genuine request is untouched and still completes.
    const ok = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
    );
    expect(ok.response.status).toBe(303);
  });

  it("code twice in the query", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", start.code],
        ["code", "other"],
        ["state", start.state],
      ],
      start.cookie,
    );
    expect(cb.response.status).toBe(400);
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(seller.id, "code_repeated")).toBe(1);
  });

  it("a wrong state", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", start.code],
        ["state", randomBytes(32).toString("base64url")],
      ],
      start.cookie,
    );
    expect(cb.response.status).toBe(400);
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(seller.id, "state_mismatch")).toBe(1);
  });

  it("another browser's state (and a browser with no session)", async () => {
    const victim = await sellerWithLink();
    const attacker = await sellerWithLink();
    const a = await connectAndApprove(h, victim.link.token);
    const b = await clickConnect(h, attacker.link.token);
    const before = upstreamCalls(h.sim);
    const cross = await callback(
      h,
      [
        ["code", a.code],
        ["state", a.state],
      ],
      b.cookie,
    );
    expect(cross.response.status).toBe(400);
    const none = await callback(
      h,
      [
        ["code", a.code],
        ["state", a.state],
      ],
      null,
    );
    expect(none.response.status).toBe(400);
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(attacker.seller.id, "state_mismatch")).toBe(1);
    expect(
      await db().noonCallbackRejection.count({ where: { reason: "no_session", sellerId: null } }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("a session forged for another seller", async () => {
    const victim = await sellerWithLink();
    const other = await sellerWithLink();
    const a = await connectAndApprove(h, victim.link.token);
    const authId = (await db().noonAuthorization.findFirstOrThrow({ where: { sellerId: victim.seller.id } })).id;
    const forged =
      (
        await sellerSessionCookie({
          sellerId: other.seller.id,
          linkId: other.link.linkId,
          pending: { authorizationId: authId, state: a.state },
        })
      ).split(";")[0] ?? "";
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", a.code],
        ["state", a.state],
      ],
      forged,
    );
    expect(cb.response.status).toBe(400);
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(other.seller.id, "seller_mismatch")).toBe(1);
    const events = await db().noonAuthorizationEvent.findMany({
      where: { authorizationId: authId },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["started", "rejected"]);
  });

  it("an expired state", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await clickConnect(h, link.token);
    const code = h.sim.issueAuthorizationCode();
    rememberSecret(code);
    const before = upstreamCalls(h.sim);
    const later = new Date(Date.now() + STATE_TTL_MS + 1000);
    const cb = await callback(
      h,
      [
        ["code", code],
        ["state", start.state ?? ""],
      ],
      start.cookie,
      { now: () => later },
    );
    expect(cb.response.status).toBe(400);
    expect(cb.body).toContain("expired");
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(seller.id, "state_expired")).toBe(1);
  });

  it("a replayed callback", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const first = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
    );
    expect(first.response.status).toBe(303);
    const before = upstreamCalls(h.sim);
    const replay = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
    );
    expect(replay.response.status).toBe(400);
    expect(upstreamCalls(h.sim)).toEqual(before);
    expect(await rejectionsFor(seller.id, "already_used")).toBe(1);
    expect((await authByReference(referenceOf(first.location))).status).toBe("COMPLETED");
  });

  it("two concurrent callbacks with one state: exactly one create and one exchange", async () => {
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const before = upstreamCalls(h.sim);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        callback(
          h,
          [
            ["code", start.code],
            ["state", start.state],
          ],
          start.cookie,
        ),
      ),
    );
    const statuses = results.map((r) => r.response.status).sort();
    expect(statuses).toEqual([303, 400, 400, 400]);
    const after = upstreamCalls(h.sim);
    expect(after.create - before.create).toBe(1);
    expect(after.exchange - before.exchange).toBe(1);
    expect(await db().sellerCredential.count({ where: { sellerId: seller.id } })).toBe(1);
  });
});

describe("a fault at each stage is a recorded failure with its stage, a clear page, no crash", () => {
  type Case = {
    name: string;
    arm: () => void;
    stage: string;
    httpStatus: number | null;
    calls: { create: number; exchange: number };
    message?: RegExp;
  };
  const cases: Case[] = [
    {
      name: "token/create 503",
      arm: () => h.sim.setFaults({ failNext: 1, status: 503 }, "create"),
      stage: "token_create",
      httpStatus: 503,
      calls: { create: 1, exchange: 0 },
    },
    {
      name: "token/create timeout",
      arm: () => h.sim.setFaults({ timeoutNext: 1, hangMs: 8_000 }, "create"),
      stage: "token_create",
      httpStatus: null,
      calls: { create: 1, exchange: 0 },
      message: /did not answer/,
    },
    {
      name: "token/create malformed body",
      arm: () => h.sim.setFaults({ malformedNext: 1 }, "create"),
      stage: "token_create",
      httpStatus: 200,
      calls: { create: 1, exchange: 0 },
      message: /not JSON|expected shape/,
    },
    {
      name: "token/create incomplete body",
      arm: () => h.sim.setFaults({ incompleteNext: 1 }, "create"),
      stage: "token_create",
      httpStatus: 200,
      calls: { create: 1, exchange: 0 },
      message: /access_token/,
    },
    {
      name: "token/exchange 500",
      arm: () => h.sim.setFaults({ failNext: 1, status: 500 }, "exchange"),
      stage: "token_exchange",
      httpStatus: 500,
      calls: { create: 1, exchange: 1 },
    },
    {
      name: "token/exchange timeout",
      arm: () => h.sim.setFaults({ timeoutNext: 1, hangMs: 8_000 }, "exchange"),
      stage: "token_exchange",
      httpStatus: null,
      calls: { create: 1, exchange: 1 },
    },
    {
      name: "token/exchange status.code != 0",
      arm: () => h.sim.setFaults({ statusErrorNext: 1 }, "exchange"),
      stage: "token_exchange",
      httpStatus: 200,
      calls: { create: 1, exchange: 1 },
      message: /status code 13/,
    },
    {
      name: "token/exchange malformed body",
      arm: () => h.sim.setFaults({ malformedNext: 1 }, "exchange"),
      stage: "token_exchange",
      httpStatus: 200,
      calls: { create: 1, exchange: 1 },
    },
    {
      name: "token/exchange incomplete body",
      arm: () => h.sim.setFaults({ incompleteNext: 1 }, "exchange"),
      stage: "token_exchange",
      httpStatus: 200,
      calls: { create: 1, exchange: 1 },
      message: /result/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const { link } = await sellerWithLink();
      const start = await connectAndApprove(h, link.token);
      c.arm();
      const before = upstreamCalls(h.sim);
      const cb = await callback(
        h,
        [
          ["code", start.code],
          ["state", start.state],
        ],
        start.cookie,
      );
      expect(cb.response.status).toBe(303);
      const after = upstreamCalls(h.sim);
      // Never repeated once the request may have reached Noon.
      expect({ create: after.create - before.create, exchange: after.exchange - before.exchange }).toEqual(c.calls);
      const auth = await authByReference(referenceOf(cb.location));
      expect(auth.status).toBe("FAILED");
      expect(auth.failureStage).toBe(c.stage);
      expect(auth.failureHttpStatus).toBe(c.httpStatus);
      if (c.message) expect(auth.failureMessage ?? "").toMatch(c.message);
      const failed = auth.events.find((e) => e.type === "failed");
      expect(failed).toMatchObject({ stage: c.stage, httpStatus: c.httpStatus });
      expect(auth.credential).toBeNull();
      const view = await authorizationResult(auth.reference, auth.sellerId);
      expect(view?.outcome).toBe("failed");
      expect(view?.failure?.code).toBeTruthy();
    });
  }

  it("an expired integrator session: the code is not sent twice; the request fails at token/create and a new one completes", async () => {
    const { link } = await sellerWithLink();
    // Make sure a session exists first, so the fault hits a call made with it.
    expect((await h.client.ensureSession()).ok).toBe(true);
    const start = await connectAndApprove(h, link.token);
    h.sim.setFaults({ expireSessionNext: 1 }, "create");
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
    );
    const after = upstreamCalls(h.sim);
    expect(after.login - before.login).toBe(1);
    expect(after.create - before.create).toBe(1);
    expect(after.exchange - before.exchange).toBe(0);
    const failed = await authByReference(referenceOf(cb.location));
    expect(failed).toMatchObject({ status: "FAILED", failureStage: "token_create", failureHttpStatus: 401 });
    expect(failed.failureMessage).toMatch(/not sent a second time/);

    // "Try again": the session was renewed at once, so the new request needs no login.
    const retry = await connectAndApprove(h, link.token);
    const cb2 = await callback(
      h,
      [
        ["code", retry.code],
        ["state", retry.state],
      ],
      retry.cookie,
    );
    expect(upstreamCalls(h.sim).login - after.login).toBe(0);
    expect((await authByReference(referenceOf(cb2.location))).status).toBe("COMPLETED");
  });

  it("a login refused by Noon fails at the login stage without calling token/create", async () => {
    const { link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    h.client.dropSession();
    h.sim.setFaults({ failNext: 1, status: 503 }, "login");
    const before = upstreamCalls(h.sim);
    const cb = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
    );
    expect(upstreamCalls(h.sim).create).toBe(before.create);
    const auth = await authByReference(referenceOf(cb.location));
    expect(auth).toMatchObject({ status: "FAILED", failureStage: "login", failureHttpStatus: 503 });
  });
});

describe("a secret store outage loses nothing", () => {
  it("keeps the key sealed, then completes the request when the retry stores it", async () => {
    registerBackgroundWork(); // the completion hook, as every process registers it at start
    const down: SecretStore = {
      backend: "local",
      put: () => Promise.reject(new SecretStoreError("unreachable", "the secret store is unreachable")),
      get: () => Promise.reject(new SecretStoreError("unreachable", "down")),
      describe: () => Promise.reject(new SecretStoreError("unreachable", "down")),
      scheduleDeletion: () => Promise.reject(new SecretStoreError("unreachable", "down")),
      probe: () => Promise.reject(new SecretStoreError("unreachable", "down")),
    };
    const { seller, link } = await sellerWithLink();
    const start = await connectAndApprove(h, link.token);
    const cb = await callback(
      h,
      [
        ["code", start.code],
        ["state", start.state],
      ],
      start.cookie,
      { store: down },
    );
    expect(cb.response.status).toBe(303);
    let auth = await authByReference(referenceOf(cb.location));
    expect(auth.status).toBe("PENDING_KEY_STORAGE");
    expect(auth.credential?.status).toBe("PENDING_STORAGE");
    expect(auth.events.map((e) => e.type)).toContain("key_pending_storage");
    expect((await authorizationResult(auth.reference, seller.id))?.outcome).toBe("connected");
    // The key is safe (sealed) and will be stored: the seller has connected, so the link is used up.
    expect(await resolveOnboardingLink(link.token)).toMatchObject({ ok: false, reason: "used" });

    const pending = await db().pendingSecret.findFirstOrThrow({ where: { authorizationId: auth.id } });
    const retried = await retryPendingSecret(pending.id, { store: secretStore() });
    expect(retried.status).toBe("stored");
    auth = await authByReference(auth.reference);
    expect(auth.status).toBe("COMPLETED");
    expect(auth.credential?.status).toBe("ACTIVE");
    const stored = auth.events.find((e) => e.type === "key_stored");
    expect(stored?.message).toBe("Key stored after 2 attempts");
    const issued = h.sim.state.issuedKeys.get(auth.credential?.keyId ?? "");
    expect((await secretStore().get(auth.credential?.secretName ?? "")).value).toBe(issued?.privateKeyPem);
  });
});
