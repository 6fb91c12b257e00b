import { describe, expect, it } from "vitest";
import { authenticateStaff } from "@/lib/auth/sign-in";
import { THROTTLE } from "@/lib/auth/throttle";
import { db } from "@/lib/db/client";
import { createTestStaff, randomIp } from "@/tests/authz/support";
import { rememberSecret } from "@/tests/support/secret-scan";

const audits = (email: string) => db().auditEvent.findMany({ where: { action: "staff.sign_in", actorLabel: email }, orderBy: { id: "asc" } });

describe("staff sign-in", () => {
  it("signs in with the right password, records it, and refuses a wrong one", async () => {
    const { email, password, row } = await createTestStaff("OPERATIONS");
    rememberSecret(password);
    const ip = randomIp();
    const good = await authenticateStaff({ email: email.toUpperCase(), password }, ip);
    expect(good).toEqual({ ok: true, data: expect.objectContaining({ id: row.id, role: "OPERATIONS", sessionVersion: 0 }) });
    const bad = await authenticateStaff({ email, password: "wrong-password" }, ip);
    expect(bad).toEqual({ ok: false, error: "invalid" });
    const events = await audits(email);
    expect(events.map((e) => [e.outcome, e.ip])).toEqual([["success", ip], ["failure", ip]]);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain(password);
    expect((await db().staffUser.findUniqueOrThrow({ where: { id: row.id } })).lastSignInAt).not.toBeNull();
  });

  it("answers an unknown e-mail like a wrong password, and audits it", async () => {
    const email = `nobody-${Date.now()}@authz.test`;
    expect(await authenticateStaff({ email, password: "whatever-it-is" }, randomIp())).toEqual({ ok: false, error: "invalid" });
    expect((await audits(email)).map((e) => e.details)).toEqual([expect.objectContaining({ reason: "unknown_account" })]);
  });

  it("refuses a disabled account even with the right password", async () => {
    const { email, password, row } = await createTestStaff("SUPPORT");
    await db().staffUser.update({ where: { id: row.id }, data: { disabledAt: new Date() } });
    expect(await authenticateStaff({ email, password }, randomIp())).toEqual({ ok: false, error: "invalid" });
  });

  it(`locks an account after ${THROTTLE.accountLockAfter} failures, even for the right password, then a success clears it`, async () => {
    const { email, password } = await createTestStaff("ADMIN");
    for (let i = 0; i < THROTTLE.accountLockAfter; i++) {
      // A different address each time: the account lock does not depend on where attempts come from.
      expect(await authenticateStaff({ email, password: `wrong-${i}` }, randomIp())).toEqual({ ok: false, error: "invalid" });
    }
    expect(await authenticateStaff({ email, password }, randomIp())).toEqual({ ok: false, error: "locked" });
    const lock = await db().signInThrottle.findUniqueOrThrow({ where: { key: `email:${email}` } });
    expect(lock.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + (THROTTLE.lockMinutes - 1) * 60_000);
    expect((await audits(email)).at(-1)).toMatchObject({ outcome: "denied", details: { reason: "locked" } });

    // When the lock has run out, the right password works and resets the counter.
    await db().signInThrottle.update({ where: { key: `email:${email}` }, data: { lockedUntil: new Date(Date.now() - 1000), windowStart: new Date(Date.now() - 60 * 60_000) } });
    expect((await authenticateStaff({ email, password }, randomIp())).ok).toBe(true);
    expect(await db().signInThrottle.findUnique({ where: { key: `email:${email}` } })).toBeNull();
  }, 60_000);

  it(`locks an address after ${THROTTLE.addressLockAfter} failures across accounts`, async () => {
    const ip = randomIp();
    await db().signInThrottle.create({ data: { key: `ip:${ip}`, failures: THROTTLE.addressLockAfter - 1, windowStart: new Date() } });
    const { email, password } = await createTestStaff("SUPPORT");
    expect(await authenticateStaff({ email: `x-${Date.now()}@authz.test`, password: "nope-nope" }, ip)).toEqual({ ok: false, error: "invalid" });
    expect(await authenticateStaff({ email, password }, ip)).toEqual({ ok: false, error: "locked" });
    // The same account from elsewhere is fine: the lock was the address's.
    expect((await authenticateStaff({ email, password }, randomIp())).ok).toBe(true);
  }, 60_000);
});
