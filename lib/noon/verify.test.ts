// Integration: verifying stored seller keys with the Noon simulator (in process), the run's PostgreSQL
// and the real local secret store; the schedule's budget across two separate processes.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { stopJobWorkers } from "@/lib/jobs";
import { secretStore } from "@/lib/secrets";
import { createOnboardingLink } from "@/lib/sellers";
import { newAuthorizationReference } from "./authorizations";
import { keepOutput } from "@/tests/support/secret-scan";
import {
  callback,
  connectAndApprove,
  rememberIssued,
  sellerWithLink,
  startHarness,
  type Harness,
} from "@/tests/support/noon-harness";
import { runScheduledVerifications, runVerifyAfterStore, verifySellerCredential } from "./verify";

const run = promisify(execFile);
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ timeoutMs: 3_000 });
});
afterAll(async () => {
  await h.close();
  await stopJobWorkers();
});
beforeEach(() => {
  rememberIssued(h.sim);
  h.sim.faults.reset();
});

/** A seller who connected through the whole flow: their ACTIVE credential. */
async function connectedSeller() {
  const { seller, link } = await sellerWithLink();
  // Verifications log in to the simulator too, which may end this client's session; after a 401 the
  // client never resends a code (lib/noon/client.ts), so the callback starts from a fresh login.
  h.client.dropSession();
  const started = await connectAndApprove(h, link.token);
  const cb = await callback(
    h,
    [
      ["code", started.code],
      ["state", started.state],
    ],
    started.cookie,
  );
  expect(cb.response.status).toBe(303);
  rememberIssued(h.sim);
  const credential = await db().sellerCredential.findFirstOrThrow({ where: { sellerId: seller.id, status: "ACTIVE" } });
  return { seller, credential };
}

const verify = (credentialId: string, extra: Parameters<typeof verifySellerCredential>[1] = {}) =>
  verifySellerCredential(
    { credentialId, trigger: "manual", actor: "staff:test" },
    { noon: h.noon, timeoutMs: 2_000, ...extra },
  );

async function webhookTypes(sellerId: string) {
  return (
    await db().webhookEvent.findMany({
      where: { stream: `seller:${sellerId}` },
      orderBy: { sequence: "asc" },
      select: { type: true },
    })
  ).map((e) => e.type);
}

/**
 * The data of the first-verification job queued when the key was stored (queued without the callback waiting
 * for it, after the completion commits: it may land a moment after the callback answered).
 */
async function firstVerificationJob(credentialId: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [job] = await db().$queryRaw<{ data: { credentialId: string; leaseUntil?: string } }[]>`
      SELECT data FROM pgboss.job WHERE name = 'noon-verify-after-store' AND data->>'credentialId' = ${credentialId}`;
    if (job) return job.data;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("no first-verification job queued");
}

async function timeline(authorizationId: string) {
  return db().noonAuthorizationEvent.findMany({ where: { authorizationId, stage: "verify" }, orderBy: { id: "asc" } });
}

describe("verifying a stored seller key", () => {
  it("ok: logs in with the seller's key and project code, keeps no session, records it", async () => {
    const { credential } = await connectedSeller();
    // Stored just now: leased to the queued first verification for two minutes (then the schedule's).
    expect(credential.nextVerificationAt?.getTime()).toBeGreaterThan(Date.now());
    expect(credential.nextVerificationAt?.getTime()).toBeLessThanOrEqual(Date.now() + 2 * 60_000);
    const loginsBefore = h.sim.counters.get("login").succeeded;
    const res = await verify(credential.id);
    keepOutput("verify-ok", JSON.stringify(res));
    expect(res).toMatchObject({
      ok: true,
      data: { outcome: "ok", httpStatus: 200, message: "Key verified with Noon", needsReconnect: false },
    });
    expect(h.sim.counters.get("login").succeeded - loginsBefore).toBe(1);
    const row = await db().sellerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row).toMatchObject({
      lastVerificationResult: "OK",
      lastVerificationStatus: 200,
      verificationFailures: 0,
      needsReconnectAt: null,
    });
    expect(row.lastVerifiedAt).not.toBeNull();
    // The next check is one interval (24 h by default) later.
    expect((row.nextVerificationAt?.getTime() ?? 0) - (row.lastVerifiedAt?.getTime() ?? 0)).toBe(24 * 60 * 60 * 1000);
    const events = await timeline(credential.authorizationId);
    expect(events.map((e) => [e.type, e.message])).toEqual([["key_verified", "Key verified with Noon"]]);
    expect(events[0]?.details).toEqual({ outcome: "ok", trigger: "manual", by: "staff:test" });
    // Webhooks on changes only: the first ok emits credential.verified, the next ok nothing.
    expect(await verify(credential.id)).toMatchObject({ ok: true, data: { outcome: "ok" } });
    expect(await webhookTypes(credential.sellerId)).toEqual(["seller.connected", "credential.verified"]);
  });

  it("the first verification after storing is a queued job, and is part of the request's story", async () => {
    const { credential } = await connectedSeller();
    const job = await firstVerificationJob(credential.id);
    expect(job.credentialId).toBe(credential.id);
    await runVerifyAfterStore(job, { noon: h.noon });
    const events = await db().noonAuthorizationEvent.findMany({
      where: { authorizationId: credential.authorizationId },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type).slice(-3)).toEqual(["key_stored", "completed", "key_verified"]);
    expect(events.at(-1)?.details).toMatchObject({ trigger: "after_store" });
  });

  it("one first verification when the schedule's tick comes at the same time, or after a lost job", async () => {
    // The tick of the minute the key was stored, then the queued job: the job holds the credential.
    const a = await connectedSeller();
    const jobA = await firstVerificationJob(a.credential.id);
    const loginsBefore = h.sim.counters.get("login").received;
    const tick = (credentialId: string, now = new Date()) =>
      runScheduledVerifications({ now, perMinute: 10_000, credentialIds: [credentialId] }, { noon: h.noon });
    await Promise.all([tick(a.credential.id), runVerifyAfterStore(jobA, { noon: h.noon })]);
    await tick(a.credential.id);
    expect((await timeline(a.credential.authorizationId)).map((e) => [e.type, e.details])).toEqual([
      ["key_verified", { outcome: "ok", trigger: "after_store" }],
    ]);
    expect(h.sim.counters.get("login").received - loginsBefore).toBe(1);

    // The job was lost (or ran late): once its lease is over the schedule verifies, and the late job does nothing.
    const b = await connectedSeller();
    const jobB = await firstVerificationJob(b.credential.id);
    await runScheduledVerifications(
      { now: new Date(Date.now() + 2 * 60_000 + 1_000), perMinute: 10_000 },
      { noon: h.noon },
    );
    await runVerifyAfterStore(jobB, { noon: h.noon });
    expect((await timeline(b.credential.authorizationId)).map((e) => [e.type, e.details])).toEqual([
      ["key_verified", { outcome: "ok", trigger: "scheduled" }],
    ]);
  });

  it("a scheduled run overtaken by a click records nothing: one click, one verification on the timeline", async () => {
    const { credential } = await connectedSeller();
    await runVerifyAfterStore(await firstVerificationJob(credential.id), { noon: h.noon });
    // A tick claimed the credential (its lease), then support clicked before the tick's run recorded.
    const lease = new Date(Date.now() + 10 * 60_000);
    await db().sellerCredential.update({ where: { id: credential.id }, data: { nextVerificationAt: lease } });
    expect(await verify(credential.id)).toMatchObject({ ok: true, data: { outcome: "ok" } });
    const scheduled = await verifySellerCredential(
      { credentialId: credential.id, trigger: "scheduled", countAgainstBudget: false, claim: lease },
      { noon: h.noon },
    );
    expect(scheduled).toMatchObject({ ok: false, error: { code: "not_claimed" } });
    expect((await timeline(credential.authorizationId)).map((e) => e.details)).toEqual([
      { outcome: "ok", trigger: "after_store" },
      { outcome: "ok", trigger: "manual", by: "staff:test" },
    ]);
  });

  it("rejected: a key Noon revoked fails with Noon's status and message; twice in a row needs reconnect", async () => {
    const { credential } = await connectedSeller();
    expect(h.sim.revokeKey(credential.keyId)).toBe(true);
    const first = await verify(credential.id);
    keepOutput("verify-rejected", JSON.stringify(first));
    expect(first).toMatchObject({
      ok: true,
      data: {
        outcome: "rejected",
        httpStatus: 401,
        message: "Noon rejected the key (HTTP 401: invalid token: the key has been deactivated)",
        needsReconnect: false,
      },
    });
    let row = await db().sellerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row).toMatchObject({ lastVerificationResult: "REJECTED", verificationFailures: 1, needsReconnectAt: null });
    // A failure is checked again within the hour, not a day later.
    expect((row.nextVerificationAt?.getTime() ?? 0) - (row.lastVerifiedAt?.getTime() ?? 0)).toBe(60 * 60 * 1000);

    const second = await verify(credential.id);
    expect(second).toMatchObject({ ok: true, data: { outcome: "rejected", needsReconnect: true } });
    row = await db().sellerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row.verificationFailures).toBe(2);
    expect(row.needsReconnectAt).not.toBeNull();
    const events = await timeline(credential.authorizationId);
    expect(events.map((e) => [e.type, e.httpStatus])).toEqual([
      ["key_verification_failed", 401],
      ["key_verification_failed", 401],
      ["needs_reconnect", null],
    ]);
    expect(await webhookTypes(credential.sellerId)).toEqual(["seller.connected", "credential.invalid"]);
    const [invalid] = await db().webhookEvent.findMany({
      where: { stream: `seller:${credential.sellerId}`, type: "credential.invalid" },
    });
    expect(invalid?.payload).toMatchObject({
      data: {
        credential: { id: credential.id, keyId: credential.keyId },
        verification: { result: "rejected", httpStatus: 401, failuresInARow: 2 },
      },
    });
  });

  it("unreachable: Noon down or answering 5xx is recorded, and does not count against the key", async () => {
    const { credential } = await connectedSeller();
    const down = await verify(credential.id, { noon: { ...h.noon, apiUrl: "http://127.0.0.1:9" } });
    expect(down).toMatchObject({ ok: true, data: { outcome: "unreachable", httpStatus: null } });
    if (down.ok) expect(down.data.message).toMatch(/could not be reached/);
    h.sim.setFaults({ failNext: 1, status: 503 }, "login");
    const busy = await verify(credential.id);
    expect(busy).toMatchObject({ ok: true, data: { outcome: "unreachable", httpStatus: 503 } });
    const row = await db().sellerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row).toMatchObject({
      lastVerificationResult: "UNREACHABLE",
      verificationFailures: 0,
      needsReconnectAt: null,
    });
    expect((row.nextVerificationAt?.getTime() ?? 0) - (row.lastVerifiedAt?.getTime() ?? 0)).toBe(15 * 60 * 1000);
    // Back to ok: nothing to clear.
    expect(await verify(credential.id)).toMatchObject({ ok: true, data: { outcome: "ok" } });
  });

  it("missing: a key deleted from the secret store is reported as missing; ok again clears needs reconnect", async () => {
    const { credential } = await connectedSeller();
    const loginsBefore = h.sim.counters.get("login").received;
    await db().localSecret.update({
      where: { name: credential.secretName },
      data: { deletionScheduledFor: new Date(Date.now() + 7 * 86_400_000) },
    });
    const first = await verify(credential.id);
    expect(first).toMatchObject({ ok: true, data: { outcome: "missing", httpStatus: null } });
    if (first.ok) expect(first.data.message).toMatch(/^The key is missing from the secret store/);
    expect(await verify(credential.id)).toMatchObject({ ok: true, data: { outcome: "missing", needsReconnect: true } });
    // Nothing was sent to Noon without a key.
    expect(h.sim.counters.get("login").received).toBe(loginsBefore);

    await db().localSecret.update({ where: { name: credential.secretName }, data: { deletionScheduledFor: null } });
    expect(await verify(credential.id)).toMatchObject({ ok: true, data: { outcome: "ok", needsReconnect: false } });
    const row = await db().sellerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    expect(row).toMatchObject({ verificationFailures: 0, needsReconnectAt: null, lastVerificationResult: "OK" });
    expect(await secretStore().get(credential.secretName)).toBeDefined();
  });

  it("refuses what is not a current credential, and unknown ids", async () => {
    const { seller, credential } = await connectedSeller();
    expect(await verify("00000000-0000-4000-8000-000000000000")).toMatchObject({
      ok: false,
      error: { code: "not_found" },
    });
    // Connecting again supersedes the first credential.
    const link = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    const again = await connectAndApprove(h, link.token);
    await callback(
      h,
      [
        ["code", again.code],
        ["state", again.state],
      ],
      again.cookie,
    );
    expect(await verify(credential.id)).toMatchObject({ ok: false, error: { code: "not_current" } });
    expect(await verify(credential.id, { noon: null })).toMatchObject({ ok: false, error: { code: "not_current" } });
  });
});

describe("the schedule", () => {
  // A minute of its own far in the past: only the credentials this test makes due are due then.
  const minute = new Date(Date.UTC(2001, 0, 1, 12, 0, 0));

  // Four separate Node processes start in this test: slow on a loaded machine, hence its own timeout.
  it("verifies due credentials within the per-minute budget, across two processes", async () => {
    const { credential } = await connectedSeller();
    // Eleven more current credentials of other sellers, using the same stored key (one RSA key is enough).
    const ids = [credential.id];
    for (let i = 0; i < 11; i++) {
      const { seller } = await sellerWithLink();
      const auth = await db().noonAuthorization.create({
        data: {
          reference: newAuthorizationReference(),
          sellerId: seller.id,
          stateHash: `budget-${credential.id}-${i}`,
          stateExpiresAt: minute,
          status: "COMPLETED",
        },
      });
      const copy = await db().sellerCredential.create({
        data: {
          sellerId: seller.id,
          authorizationId: auth.id,
          status: "ACTIVE",
          projectCode: credential.projectCode,
          keyId: credential.keyId,
          secretName: credential.secretName,
          secretVersionId: credential.secretVersionId,
          storedAt: minute,
        },
      });
      ids.push(copy.id);
    }
    await db().sellerCredential.updateMany({
      where: { id: { in: ids } },
      data: { nextVerificationAt: new Date(minute.getTime() - 60_000) },
    });
    const loginsBefore = h.sim.counters.get("login").received;

    const child = path.join(process.cwd(), "tests/support/verify-child.ts");
    const start = (at: Date) =>
      run(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", child, h.sim.url, at.toISOString(), "5", "3"],
        { env: process.env },
      );
    const [a, b] = await Promise.all([start(minute), start(minute)]);
    const claimed = [a, b].map(
      (r) => (JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { claimed: number }).claimed,
    );
    // Two processes, three ticks each, in one minute: five logins in all, not 5 × 6.
    expect((claimed[0] ?? 0) + (claimed[1] ?? 0)).toBe(5);
    expect(h.sim.counters.get("login").received - loginsBefore).toBe(5);

    // The next minute has a fresh budget: five more.
    const next = new Date(minute.getTime() + 60_000);
    const [c, d] = await Promise.all([start(next), start(next)]);
    const more = [c, d].map(
      (r) => (JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as { claimed: number }).claimed,
    );
    expect((more[0] ?? 0) + (more[1] ?? 0)).toBe(5);
    expect(h.sim.counters.get("login").received - loginsBefore).toBe(10);

    const verified = await db().sellerCredential.count({ where: { id: { in: ids }, lastVerificationResult: "OK" } });
    expect(verified).toBe(10);
    const window = await db().noonVerificationWindow.findUniqueOrThrow({ where: { windowStart: minute } });
    expect(window.used).toBe(5);
  }, 180_000);

  it("spreads credentials that have no planned check over one interval", async () => {
    const { credential } = await connectedSeller();
    await db().sellerCredential.update({ where: { id: credential.id }, data: { nextVerificationAt: null } });
    const at = new Date(Date.UTC(2001, 0, 2, 0, 0, 0));
    const summary = await runScheduledVerifications({ now: at, perMinute: 0 }, { noon: h.noon });
    expect(summary.claimed).toBe(0);
    const row = await db().sellerCredential.findUniqueOrThrow({ where: { id: credential.id } });
    const offset = (row.nextVerificationAt?.getTime() ?? 0) - at.getTime();
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(24 * 60 * 60 * 1000);
  });
});
