import "server-only";
import type { OIDCConfig } from "next-auth/providers";
import { z } from "zod";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { Result } from "@/lib/errors";
import type { Role } from "@/lib/auth/permissions";

// Optional single sign-on through any OpenID Connect provider (OIDC_ISSUER, OIDC_CLIENT_ID,
// OIDC_CLIENT_SECRET). OIDC_ROLE_DOMAINS maps verified e-mail domains to the role a new staff member
// gets on first sign-in; existing members keep the role an admin gave them, disabled ones stay out.
// Members are matched by the provider's (issuer, subject), never by e-mail after the first sign-in.

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
    // The claims come from the userinfo endpoint (its `sub` checked against the ID token's): a conformant
    // provider puts email and email_verified there, not necessarily in the ID token.
    idToken: false,
    authorization: { params: { scope: "openid email profile" } },
  };
}

/** The role a verified e-mail address gets on first sign-in, or null when its domain is not mapped. */
export function roleForEmail(email: string, roleDomains: Record<string, Role>): Role | null {
  const domain = email.toLowerCase().split("@").at(-1);
  return domain ? (roleDomains[domain] ?? null) : null;
}

const profileSchema = z.object({
  iss: z.string().min(1).max(500),
  sub: z.string().min(1).max(255),
  email: z.string().trim().toLowerCase().email().max(254),
  email_verified: z.unknown().optional(),
  name: z.string().max(120).optional(),
});

export type SsoRefusal =
  | "invalid_profile"
  | "email_not_verified"
  | "domain_not_mapped"
  | "disabled"
  | "bound_to_another_identity"
  | "not_configured";

/** What the sign-in page shows for each refusal (next-auth passes the reason as `?error=`). */
export const SSO_REFUSAL_MESSAGES: Record<SsoRefusal, string> = {
  invalid_profile: "Your identity provider did not send an e-mail address and a subject: ask your administrator.",
  email_not_verified:
    "Your identity provider has not verified your e-mail address. Verify it there, then sign in again.",
  domain_not_mapped: "Your e-mail domain has no staff role here: ask an admin to invite you.",
  disabled: "This staff account is disabled: ask an admin.",
  bound_to_another_identity: "This staff account is linked to another single sign-on identity: ask an admin.",
  not_configured: "Single sign-on is not configured.",
};

export const ssoRefusalCode = (reason: SsoRefusal) => `sso_${reason}`;

/** The admitted staff member's id, or why the identity was refused. */
type Admission = Result<string, SsoRefusal>;

/**
 * Admits (or refuses) a single-sign-on identity. Only an e-mail the provider says is verified
 * (`email_verified === true`) is considered. The identity is the provider's (issuer, subject): a staff
 * member is bound to it on their first SSO sign-in (found by e-mail, or created when the domain maps to
 * a role) and found by it afterwards, so a later e-mail change at the provider keeps the same member
 * (their e-mail here follows it when no one else has it). Every outcome is audited.
 */
export async function admitSsoIdentity(profile: unknown, ip: string | null = null): Promise<Admission> {
  const oidc = config().oidc;
  const parsed = profileSchema.safeParse(profile);
  const refuse = async (reason: SsoRefusal, label: string, staffId?: string): Promise<Admission> => {
    await recordAudit({
      actor: staffId ? { type: "staff", id: staffId, label } : { type: "anonymous", label },
      action: "staff.sign_in",
      target: staffId ? { type: "staff", id: staffId } : undefined,
      ip,
      outcome: reason === "domain_not_mapped" || reason === "bound_to_another_identity" ? "denied" : "failure",
      details: { method: "sso", reason },
    });
    return { ok: false, error: reason };
  };
  if (!oidc) return refuse("not_configured", "unknown");
  if (!parsed.success) return refuse("invalid_profile", "unknown");
  const { iss, sub, email, name } = parsed.data;
  if (parsed.data.email_verified !== true) return refuse("email_not_verified", email);

  const select = { id: true, email: true, disabledAt: true, ssoIssuer: true, ssoSubject: true } as const;
  let staff = await db().staffUser.findUnique({
    where: { ssoIssuer_ssoSubject: { ssoIssuer: iss, ssoSubject: sub } },
    select,
  });
  if (staff && staff.email !== email) {
    const taken = await db().staffUser.count({ where: { email, id: { not: staff.id } } });
    if (!taken) {
      await db().staffUser.update({ where: { id: staff.id }, data: { email } });
      await recordAudit({
        actor: { type: "system", label: "single sign-on" },
        action: "staff.email_changed",
        target: { type: "staff", id: staff.id },
        ip,
        details: { from: staff.email, to: email, reason: "changed at the identity provider" },
      });
      staff = { ...staff, email };
    }
  }
  if (!staff) {
    const byEmail = await db().staffUser.findUnique({ where: { email }, select });
    if (byEmail) {
      if (byEmail.ssoSubject !== null) return refuse("bound_to_another_identity", email, byEmail.id);
      // First SSO sign-in of an existing member: bind, unless a concurrent sign-in bound it first.
      const { count } = await db().staffUser.updateMany({
        where: { id: byEmail.id, ssoSubject: null },
        data: { ssoIssuer: iss, ssoSubject: sub },
      });
      if (count !== 1) return refuse("bound_to_another_identity", email, byEmail.id);
      await recordAudit({
        actor: { type: "system", label: "single sign-on" },
        action: "staff.sso_bound",
        target: { type: "staff", id: byEmail.id },
        ip,
        details: { issuer: iss, subject: sub },
      });
      staff = byEmail;
    } else {
      const role = roleForEmail(email, oidc.roleDomains);
      if (!role) return refuse("domain_not_mapped", email);
      await db().staffUser.createMany({
        data: [{ email, name: name ?? null, role, ssoIssuer: iss, ssoSubject: sub }],
        skipDuplicates: true,
      });
      staff = await db().staffUser.findUnique({
        where: { ssoIssuer_ssoSubject: { ssoIssuer: iss, ssoSubject: sub } },
        select,
      });
      if (!staff) return refuse("bound_to_another_identity", email);
      await recordAudit({
        actor: { type: "system", label: "single sign-on" },
        action: "staff.created",
        target: { type: "staff", id: staff.id },
        ip,
        details: { email, role, reason: "first single sign-on", issuer: iss, subject: sub },
      });
    }
  }
  if (staff.disabledAt) return refuse("disabled", staff.email, staff.id);
  await db().staffUser.update({ where: { id: staff.id }, data: { lastSignInAt: new Date() } });
  await recordAudit({
    actor: { type: "staff", id: staff.id, label: staff.email },
    action: "staff.sign_in",
    target: { type: "staff", id: staff.id },
    ip,
    details: { method: "sso" },
  });
  return { ok: true, data: staff.id };
}

/** The staff member bound to an SSO identity (after admitSsoIdentity let it in). */
export async function staffForSsoIdentity(issuer: string, subject: string) {
  return db().staffUser.findUnique({ where: { ssoIssuer_ssoSubject: { ssoIssuer: issuer, ssoSubject: subject } } });
}
