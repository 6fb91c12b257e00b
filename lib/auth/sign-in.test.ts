import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { authenticateStaff } from "@/lib/auth/sign-in";
import { THROTTLE } from "@/lib/auth/throttle";
import { db } from "@/lib/db/client";
import { createTestStaff, randomIp } from "@/tests/authz/support";
import { rememberSecret } from "@/tests/support/secret-scan";

const audits = (email: string) =>
  db().auditEvent.findMany({ where: { action: "staff.sign_in", actorLabel: email }, orderBy: { id: "asc" } });

describe("staff sign-in", () => {
  it("signs in with the right password, records it, and refuses a wrong one", async () => {
    const { email, password, row } = await createTestStaff("OPERATIONS");
    rememberSecret(password);
    const ip = randomIp();
    const good = await authenticateStaff({ credentials: { email: email.toUpperCase(), password }, ip });
    expect(good).toEqual({
      ok: true,
      data: expect.objectContaining({ id: row.id, role: "OPERATIONS", sessionVersion: 0 }),
    });
    const bad = await authenticateStaff({ credentials: { email, password: "wrong-password" }, ip });
    expect(bad).toEqual({ ok: false, error: { reason: "invalid" } });
    const events = await audits(email);
    expect(events.map((e) => [e.outcome, e.ip])).toEqual([
      ["success", ip],
      ["failure", ip],
    ]);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain(password);
    expect((await db().staffUser.findUniqueOrThrow({ where: { id: row.id } })).lastSignInAt).not.toBeNull();
  });

  it("answers an unknown e-mail like a wrong password, and audits it", async () => {
    const email = `nobody-${Date.now()}@authz.test`;
    expect(await authenticateStaff({ credentials: { email, password: "whatever-it-is" }, ip: randomIp() })).toEqual({
      ok: false,
      error: { reason: "invalid" },
    });
    expect((await audits(email)).map((e) => e.details)).toEqual([
      expect.objectContaining({ reason: "unknown_account" }),
    ]);
  });

  it("refuses a disabled account even with the right password", async () => {
    const { email, password, row } = await createTestStaff("SUPPORT");
    await db().staffUser.update({ where: { id: row.id }, data: { disabledAt: new Date() } });
    expect(await authenticateStaff({ credentials: { email, password }, ip: randomIp() })).toEqual({
      ok: false,
      error: { reason: "invalid" },
    });
  });

  it("a burst of parallel attempts gets no more password checks than the throttle allows", async () => {
    const { email, row } = await createTestStaff("ADMIN");
    const ip = randomIp();
    const now = new Date();
    let checks = 0;
    const verify = async (password: string, stored: string) => {
      checks++;
      return verifyPassword(password, stored);
    };
    const burst = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        authenticateStaff({ credentials: { email, password: `wrong-guess-${i}` }, ip, now: () => now, verify }),
      ),
    );
    expect(checks).toBe(THROTTLE.pair.free);
    expect(burst.filter((r) => !r.ok && r.error.reason === "invalid")).toHaveLength(THROTTLE.pair.free);
    const refused = burst.filter((r) => !r.ok && r.error.reason === "locked");
    expect(refused).toHaveLength(25 - THROTTLE.pair.free);
    expect(refused[0]).toEqual({
      ok: false,
      error: { reason: "locked", retryAfterSeconds: THROTTLE.baseDelayMs / 1000 },
    });
    expect((await audits(email)).filter((e) => e.outcome === "denied")).toHaveLength(25 - THROTTLE.pair.free);
    expect(row.id).toBeTruthy();
  }, 60_000);

  it("slows an attacker exponentially, never for ever, and the owner still gets in from elsewhere", async () => {
    const { email, password } = await createTestStaff("OPERATIONS");
    const attacker = randomIp();
    let clock = Date.now();
    const at = () => new Date(clock);
    const waits: number[] = [];
    for (let i = 0; i < 36; i++) {
      const result = await authenticateStaff({
        credentials: { email, password: `guess-${i}` },
        ip: attacker,
        now: at,
        verify: async () => false,
      });
      if (!result.ok && result.error.reason === "locked") {
        waits.push(result.error.retryAfterSeconds);
        clock += result.error.retryAfterSeconds * 1000;
      }
    }
    // 1, 2, 4, 8 minutes … doubling, then capped at 15 minutes: the attacker keeps getting a guess per cap.
    expect(waits.slice(0, 4)).toEqual([60, 120, 240, 480]);
    expect(Math.max(...waits)).toBe(THROTTLE.pair.capMs / 1000);
    // The owner from another address waits at most the account-wide cap, then signs in.
    let owner = await authenticateStaff({ credentials: { email, password }, ip: randomIp(), now: at });
    if (!owner.ok && owner.error.reason === "locked") {
      expect(owner.error.retryAfterSeconds).toBeLessThanOrEqual(THROTTLE.account.capMs / 1000);
      clock += owner.error.retryAfterSeconds * 1000;
      owner = await authenticateStaff({ credentials: { email, password }, ip: randomIp(), now: at });
    }
    expect(owner.ok).toBe(true);
  }, 120_000);

  it("slows guessing spread over many addresses too, for a minute at a time", async () => {
    const { email, password } = await createTestStaff("ADMIN");
    let clock = Date.now();
    const at = () => new Date(clock);
    for (let i = 0; i < THROTTLE.account.free; i++) {
      expect(
        await authenticateStaff({
          credentials: { email, password: `wrong-${i}` },
          ip: randomIp(),
          now: at,
          verify: async () => false,
        }),
      ).toEqual({ ok: false, error: { reason: "invalid" } });
    }
    // Even the right password, from yet another address, waits: the account's own key says so.
    expect(await authenticateStaff({ credentials: { email, password }, ip: randomIp(), now: at })).toEqual({
      ok: false,
      error: { reason: "locked", retryAfterSeconds: THROTTLE.account.capMs / 1000 },
    });
    clock += THROTTLE.account.capMs;
    expect((await authenticateStaff({ credentials: { email, password }, ip: randomIp(), now: at })).ok).toBe(true);
  }, 60_000);

  it(`slows an address after ${THROTTLE.address.free} attempts across accounts`, async () => {
    const ip = randomIp();
    const now = new Date();
    for (let i = 0; i < THROTTLE.address.free; i++) {
      const result = await authenticateStaff({
        credentials: { email: `spray-${i}-${Date.now()}@authz.test`, password: "Spring2026!" },
        ip,
        now: () => now,
        verify: async () => false,
      });
      expect(result).toEqual({ ok: false, error: { reason: "invalid" } });
    }
    const { email, password } = await createTestStaff("SUPPORT");
    expect(await authenticateStaff({ credentials: { email, password }, ip, now: () => now })).toEqual({
      ok: false,
      error: { reason: "locked", retryAfterSeconds: THROTTLE.baseDelayMs / 1000 },
    });
    // The same account from elsewhere is fine: the wait was the address's.
    expect((await authenticateStaff({ credentials: { email, password }, ip: randomIp(), now: () => now })).ok).toBe(
      true,
    );
  }, 120_000);

  it("replaces an older scrypt hash at sign-in, and the password keeps working", async () => {
    const { email, password, row } = await createTestStaff("SUPPORT");
    const salt = randomBytes(16);
    const key = scryptSync(password.normalize("NFKC"), salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const old = ["scrypt", 2 ** 15, 8, 1, salt.toString("base64url"), key.toString("base64url")].join("$");
    await db().staffUser.update({ where: { id: row.id }, data: { passwordHash: old } });
    expect((await authenticateStaff({ credentials: { email, password }, ip: randomIp() })).ok).toBe(true);
    const stored =
      (await db().staffUser.findUniqueOrThrow({ where: { id: row.id }, omit: { passwordHash: false } })).passwordHash ??
      "";
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect((await authenticateStaff({ credentials: { email, password }, ip: randomIp() })).ok).toBe(true);
  }, 60_000);
});
