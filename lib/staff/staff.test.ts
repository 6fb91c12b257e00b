import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { authenticateStaff } from "@/lib/auth/sign-in";
import {
  changeOwnPassword,
  changeStaffRole,
  disableStaff,
  enableStaff,
  inviteStaff,
  issueSetPasswordLink,
  setPasswordWithToken,
} from "@/lib/staff";
import { createTestStaff, randomIp } from "@/tests/authz/support";
import { rememberSecret } from "@/tests/support/secret-scan";

const tokenOf = (link: string) => new URLSearchParams(new URL(link).hash.slice(1)).get("token") ?? "";

describe("staff management", () => {
  it("invites with a one-time set-password link, audited, then the new member signs in", async () => {
    const admin = await createTestStaff("ADMIN");
    const email = `new-${Date.now()}@authz.test`;
    const { staffId, setPasswordLink } = await inviteStaff(
      { email, role: "OPERATIONS", name: "New Person" },
      admin.principal,
    );
    rememberSecret(tokenOf(setPasswordLink));
    expect(setPasswordLink).toMatch(/^http:\/\/localhost:3999\/admin\/sign-in\/set-password#token=/);
    expect(await authenticateStaff({ credentials: { email, password: "anything-at-all" }, ip: randomIp() })).toEqual({
      ok: false,
      error: { reason: "invalid" },
    });

    const password = "granite walrus orbit plum";
    rememberSecret(password);
    expect(await setPasswordWithToken({ token: tokenOf(setPasswordLink), password: "short", ip: null })).toEqual({
      ok: false,
      error: { kind: "weak-password", message: expect.stringMatching(/at least 12/) },
    });
    // The password .env.example documents, and guessable ones, are refused too.
    expect(
      await setPasswordWithToken({ token: tokenOf(setPasswordLink), password: "change-me-on-first-sign-in", ip: null }),
    ).toMatchObject({
      ok: false,
      error: { kind: "weak-password" },
    });
    expect(
      await setPasswordWithToken({ token: tokenOf(setPasswordLink), password: "Password1234!", ip: null }),
    ).toMatchObject({
      ok: false,
      error: { kind: "weak-password" },
    });
    expect(await setPasswordWithToken({ token: tokenOf(setPasswordLink), password, ip: "203.0.113.9" })).toEqual({
      ok: true,
      data: { email },
    });
    // The link works once.
    expect(
      await setPasswordWithToken({
        token: tokenOf(setPasswordLink),
        password: "another quite long passphrase",
        ip: null,
      }),
    ).toEqual({
      ok: false,
      error: { kind: "invalid-link" },
    });
    expect((await authenticateStaff({ credentials: { email, password }, ip: randomIp() })).ok).toBe(true);

    const events = await db().auditEvent.findMany({ where: { targetId: staffId }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["staff.invited", "staff.password_set", "staff.sign_in"]),
    );
    expect(events.find((e) => e.action === "staff.invited")).toMatchObject({
      actorId: admin.row.id,
      ip: "203.0.113.7",
    });
    await expect(inviteStaff({ email, role: "SUPPORT" }, admin.principal)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses a forged or tampered set-password token", async () => {
    expect(await setPasswordWithToken({ token: "not-a-token", password: "a-long-enough-password", ip: null })).toEqual({
      ok: false,
      error: { kind: "invalid-link" },
    });
    const admin = await createTestStaff("ADMIN");
    const other = await createTestStaff("SUPPORT");
    const link = await issueSetPasswordLink(other.row.id, admin.principal);
    const token = tokenOf(link);
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...payload, sub: admin.row.id })).toString("base64url"), s].join(
      ".",
    );
    expect(await setPasswordWithToken({ token: forged, password: "a-long-enough-password", ip: null })).toEqual({
      ok: false,
      error: { kind: "invalid-link" },
    });
  });

  it("a role change or a disable bumps the session version (ending sessions) and is audited", async () => {
    const admin = await createTestStaff("ADMIN");
    const member = await createTestStaff("SUPPORT");
    await changeStaffRole({ staffId: member.row.id, role: "OPERATIONS" }, admin.principal);
    let row = await db().staffUser.findUniqueOrThrow({ where: { id: member.row.id } });
    expect([row.role, row.sessionVersion]).toEqual(["OPERATIONS", 1]);
    await disableStaff(member.row.id, admin.principal);
    row = await db().staffUser.findUniqueOrThrow({ where: { id: member.row.id } });
    expect(row.disabledAt).not.toBeNull();
    expect(row.sessionVersion).toBe(2);
    expect(
      (await authenticateStaff({ credentials: { email: member.email, password: member.password }, ip: randomIp() })).ok,
    ).toBe(false);
    await enableStaff(member.row.id, admin.principal);
    expect(
      (await authenticateStaff({ credentials: { email: member.email, password: member.password }, ip: randomIp() })).ok,
    ).toBe(true);
    const actions = (
      await db().auditEvent.findMany({
        where: { targetId: member.row.id, actorId: admin.row.id },
        orderBy: { id: "asc" },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(["staff.role_changed", "staff.disabled", "staff.enabled"]);
  });

  it("never leaves the team without an active admin, and nobody disables themselves", async () => {
    const admin = await createTestStaff("ADMIN");
    await expect(disableStaff(admin.row.id, admin.principal)).rejects.toMatchObject({ code: "CONFLICT" });
    // Only the last active admin is protected: with other admins in the shared database, demoting works.
    const otherAdmins = await db().staffUser.count({
      where: { role: "ADMIN", disabledAt: null, id: { not: admin.row.id } },
    });
    if (otherAdmins > 0) {
      const second = await createTestStaff("ADMIN");
      await changeStaffRole({ staffId: second.row.id, role: "SUPPORT" }, admin.principal);
    }
  });

  it("a member changes their own password: current one checked, policy applied, the requirement cleared, sessions ended", async () => {
    const member = await createTestStaff("ADMIN");
    await db().staffUser.update({ where: { id: member.row.id }, data: { passwordChangeRequired: true } });
    const by = { id: member.row.id, email: member.email, ip: randomIp() };
    expect(await changeOwnPassword(by, { current: "not-my-password", next: "granite walrus orbit plum" })).toEqual({
      ok: false,
      error: { kind: "wrong-current" },
    });
    expect(await changeOwnPassword(by, { current: member.password, next: member.password })).toEqual({
      ok: false,
      error: { kind: "same-password" },
    });
    expect(await changeOwnPassword(by, { current: member.password, next: "change-me-on-first-sign-in" })).toMatchObject(
      { ok: false, error: { kind: "weak-password" } },
    );
    const next = "lantern cobalt meadow quill";
    rememberSecret(next);
    expect(await changeOwnPassword(by, { current: member.password, next })).toEqual({
      ok: true,
      data: { email: member.email },
    });
    const row = await db().staffUser.findUniqueOrThrow({ where: { id: member.row.id } });
    expect(row).toMatchObject({ passwordChangeRequired: false, sessionVersion: member.row.sessionVersion + 1 });
    expect((await authenticateStaff({ credentials: { email: member.email, password: next }, ip: randomIp() })).ok).toBe(
      true,
    );
    expect(
      (await authenticateStaff({ credentials: { email: member.email, password: member.password }, ip: randomIp() })).ok,
    ).toBe(false);
  }, 60_000);
});
