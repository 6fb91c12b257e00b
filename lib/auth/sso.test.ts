import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createTestStaff } from "@/tests/authz/support";

const ISSUER = "http://127.0.0.1:9/issuer";

// Configuration is read once per process on first use: set the SSO variables before anything reads it.
beforeAll(() => {
  Object.assign(process.env, {
    OIDC_ISSUER: "http://127.0.0.1:9/issuer",
    OIDC_CLIENT_ID: "dashboard",
    OIDC_CLIENT_SECRET: "sso-client-secret-for-tests",
    OIDC_ROLE_DOMAINS: "ops.example=operations, help.example=support",
  });
});

describe("single sign-on", () => {
  it("maps verified e-mail domains to roles", async () => {
    const { roleForEmail } = await import("@/lib/auth/sso");
    const domains = { "ops.example": "OPERATIONS", "help.example": "SUPPORT" } as const;
    expect(roleForEmail("A@Ops.Example", domains)).toBe("OPERATIONS");
    expect(roleForEmail("a@help.example", domains)).toBe("SUPPORT");
    expect(roleForEmail("a@evil.example", domains)).toBeNull();
    expect(roleForEmail("a@sub.ops.example", domains)).toBeNull();
  });

  it("creates a member on first sign-in from a mapped domain, refuses unmapped, unverified and disabled ones", async () => {
    const { admitSsoIdentity, ssoProvider } = await import("@/lib/auth/sso");
    expect(ssoProvider()).toMatchObject({ id: "oidc", type: "oidc", issuer: "http://127.0.0.1:9/issuer" });
    const email = `sso-${randomBytes(4).toString("hex")}@ops.example`;
    const identity = { iss: ISSUER, sub: `sub-${randomBytes(6).toString("hex")}` };
    const first = await admitSsoIdentity({ ...identity, email, email_verified: true, name: "Sso Person" });
    expect(first.ok).toBe(true);
    const row = await db().staffUser.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(row).toMatchObject({ role: "OPERATIONS", passwordHash: null, ssoIssuer: ISSUER, ssoSubject: identity.sub });
    // An admin's later role change sticks: the domain only decides the first role.
    await db().staffUser.update({ where: { id: row.id }, data: { role: "SUPPORT" } });
    expect(await admitSsoIdentity({ ...identity, email, email_verified: true })).toEqual({ ok: true, data: row.id });
    expect((await db().staffUser.findUniqueOrThrow({ where: { id: row.id } })).role).toBe("SUPPORT");

    expect(
      await admitSsoIdentity({
        iss: ISSUER,
        sub: "x1",
        email: `x-${randomBytes(3).toString("hex")}@evil.example`,
        email_verified: true,
      }),
    ).toEqual({ ok: false, error: "domain_not_mapped" });
    await db().staffUser.update({ where: { id: row.id }, data: { disabledAt: new Date() } });
    expect(await admitSsoIdentity({ ...identity, email, email_verified: true })).toEqual({
      ok: false,
      error: "disabled",
    });
    const outcomes = (
      await db().auditEvent.findMany({ where: { actorLabel: email, action: "staff.sign_in" }, orderBy: { id: "asc" } })
    ).map((e) => e.outcome);
    expect(outcomes).toEqual(["success", "success", "failure"]);
  });

  it("requires email_verified === true: false, missing or a string are all refused", async () => {
    const { admitSsoIdentity } = await import("@/lib/auth/sso");
    const { row, email } = await createTestStaff("ADMIN");
    for (const email_verified of [false, undefined, "true", 1]) {
      expect(
        await admitSsoIdentity({ iss: ISSUER, sub: `s-${randomBytes(4).toString("hex")}`, email, email_verified }),
      ).toEqual({ ok: false, error: "email_not_verified" });
    }
    // Nothing was bound to the existing admin by those attempts.
    expect(await db().staffUser.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      ssoIssuer: null,
      ssoSubject: null,
    });
  });

  it("binds an existing member to (issuer, subject) on first SSO sign-in and follows that identity afterwards", async () => {
    const { admitSsoIdentity } = await import("@/lib/auth/sso");
    const { row, email } = await createTestStaff("OPERATIONS");
    const sub = `sub-${randomBytes(6).toString("hex")}`;
    expect(await admitSsoIdentity({ iss: ISSUER, sub, email, email_verified: true })).toEqual({
      ok: true,
      data: row.id,
    });
    // The provider changes the e-mail: same subject, same member, whose e-mail follows.
    const renamed = `renamed-${randomBytes(4).toString("hex")}@ops.example`;
    expect(await admitSsoIdentity({ iss: ISSUER, sub, email: renamed, email_verified: true })).toEqual({
      ok: true,
      data: row.id,
    });
    expect((await db().staffUser.findUniqueOrThrow({ where: { id: row.id } })).email).toBe(renamed);
    // Another subject presenting the member's e-mail is not that member.
    expect(await admitSsoIdentity({ iss: ISSUER, sub: `other-${sub}`, email: renamed, email_verified: true })).toEqual({
      ok: false,
      error: "bound_to_another_identity",
    });
    // Nor is the same subject at another issuer.
    expect(
      await admitSsoIdentity({ iss: "https://other-issuer.example", sub, email: renamed, email_verified: true }),
    ).toEqual({ ok: false, error: "bound_to_another_identity" });
  });
});
