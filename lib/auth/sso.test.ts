import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";

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
    const id = await admitSsoIdentity({ email, email_verified: true, name: "Sso Person" });
    expect(id).not.toBeNull();
    const row = await db().staffUser.findUniqueOrThrow({ where: { email }, omit: { passwordHash: false } });
    expect(row).toMatchObject({ role: "OPERATIONS", passwordHash: null });
    // An admin's later role change sticks: the domain only decides the first role.
    await db().staffUser.update({ where: { id: row.id }, data: { role: "SUPPORT" } });
    expect(await admitSsoIdentity({ email, email_verified: true })).toBe(row.id);
    expect((await db().staffUser.findUniqueOrThrow({ where: { id: row.id } })).role).toBe("SUPPORT");

    expect(await admitSsoIdentity({ email: `x-${randomBytes(3).toString("hex")}@evil.example`, email_verified: true })).toBeNull();
    expect(await admitSsoIdentity({ email: `y-${randomBytes(3).toString("hex")}@ops.example`, email_verified: false })).toBeNull();
    await db().staffUser.update({ where: { id: row.id }, data: { disabledAt: new Date() } });
    expect(await admitSsoIdentity({ email, email_verified: true })).toBeNull();
    const outcomes = (await db().auditEvent.findMany({ where: { actorLabel: email, action: "staff.sign_in" }, orderBy: { id: "asc" } })).map((e) => e.outcome);
    expect(outcomes).toEqual(["success", "success", "failure"]);
  });
});
