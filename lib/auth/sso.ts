import "server-only";
import type { OIDCConfig } from "next-auth/providers";
import { z } from "zod";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { Role } from "@/lib/auth/permissions";

// Optional single sign-on through any OpenID Connect provider (OIDC_ISSUER, OIDC_CLIENT_ID,
// OIDC_CLIENT_SECRET). OIDC_ROLE_DOMAINS maps verified e-mail domains to the role a new staff member
// gets on first sign-in; existing members keep the role an admin gave them, disabled ones stay out.

export const SSO_PROVIDER_ID = "oidc";

export function ssoEnabled(): boolean {
  return config().oidc !== null;
}

export function ssoProvider(): OIDCConfig<Record<string, unknown>> | null {
  const oidc = config().oidc;
  if (!oidc) return null;
  return {
    id: SSO_PROVIDER_ID,
    name: "Single sign-on",
    type: "oidc",
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid email profile" } },
  };
}

/** The role a verified e-mail address gets on first sign-in, or null when its domain is not mapped. */
export function roleForEmail(email: string, roleDomains: Record<string, Role>): Role | null {
  const domain = email.toLowerCase().split("@").at(-1);
  return domain ? (roleDomains[domain] ?? null) : null;
}

const profileSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  email_verified: z.boolean().optional(),
  name: z.string().max(120).optional(),
});

/**
 * Admits (or refuses) a single-sign-on identity: the staff member with that e-mail when active, else a
 * new one when the domain maps to a role. Every outcome is audited. Returns the staff id or null.
 */
export async function admitSsoIdentity(profile: unknown, ip: string | null = null): Promise<string | null> {
  const parsed = profileSchema.safeParse(profile);
  const oidc = config().oidc;
  if (!oidc || !parsed.success || parsed.data.email_verified === false) {
    await recordAudit({ actor: { type: "anonymous", label: parsed.success ? parsed.data.email : "unknown" }, action: "staff.sign_in", ip, outcome: "failure", details: { method: "sso", reason: "unverified_email" } });
    return null;
  }
  const { email, name } = parsed.data;
  let staff = await db().staffUser.findUnique({ where: { email }, select: { id: true, disabledAt: true } });
  if (!staff) {
    const role = roleForEmail(email, oidc.roleDomains);
    if (!role) {
      await recordAudit({ actor: { type: "anonymous", label: email }, action: "staff.sign_in", ip, outcome: "denied", details: { method: "sso", reason: "domain_not_mapped" } });
      return null;
    }
    await db().staffUser.createMany({ data: [{ email, name: name ?? null, role }], skipDuplicates: true });
    staff = await db().staffUser.findUniqueOrThrow({ where: { email }, select: { id: true, disabledAt: true } });
    await recordAudit({ actor: { type: "system", label: "single sign-on" }, action: "staff.created", target: { type: "staff", id: staff.id }, ip, details: { email, role, reason: "first single sign-on" } });
  }
  if (staff.disabledAt) {
    await recordAudit({ actor: { type: "staff", id: staff.id, label: email }, action: "staff.sign_in", target: { type: "staff", id: staff.id }, ip, outcome: "failure", details: { method: "sso", reason: "disabled" } });
    return null;
  }
  await db().staffUser.update({ where: { id: staff.id }, data: { lastSignInAt: new Date() } });
  await recordAudit({ actor: { type: "staff", id: staff.id, label: email }, action: "staff.sign_in", target: { type: "staff", id: staff.id }, ip, details: { method: "sso" } });
  return staff.id;
}
