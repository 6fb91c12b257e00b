import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import { headers } from "next/headers";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { recordAudit } from "@/lib/audit/record";
import type { Role } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/http/client-ip";
import { authenticateStaff } from "@/lib/auth/sign-in";
import { baseAuthConfig, sessionClaimsSchema, withinAbsoluteLimit } from "@/lib/auth/session-policy";
import { isSessionRevoked, newSessionId, revokeSession } from "@/lib/auth/sessions";
import { admitSsoIdentity, SSO_PROVIDER_ID, ssoProvider, ssoRefusalCode, staffForSsoIdentity } from "@/lib/auth/sso";
import { config } from "@/lib/config/env";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role; mustChangePassword: boolean } & DefaultSession["user"];
  }
}

/** Shown to the person as "locked" with the wait; the same generic code otherwise, so nothing hints which part was wrong. */
export class LockedOut extends CredentialsSignin {
  override code = "locked";
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
}

/** The active staff member behind a session, or null when disabled, deleted, signed out or the session is stale. */
async function activeStaff(id: string, sessionVersion: number, sid: string) {
  const [staff, revoked] = await Promise.all([db().staffUser.findUnique({ where: { id } }), isSessionRevoked(sid)]);
  if (revoked || !staff || staff.disabledAt || staff.sessionVersion !== sessionVersion) return null;
  return staff;
}

async function requestIp(): Promise<string | null> {
  try {
    return clientIpFrom(await headers());
  } catch {
    return null;
  }
}

/**
 * The issuer an SSO identity is bound under: the configured OIDC_ISSUER, which next-auth checked the ID
 * token's `iss` against (the claims themselves come from userinfo, which need not repeat it).
 */
function ssoIssuer(): string {
  return config().oidc?.issuer ?? "";
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const base = baseAuthConfig();
  const sso = ssoProvider();
  return {
    ...base,
    providers: [
      Credentials({
        id: "credentials",
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const result = await authenticateStaff({ credentials, ip: clientIpFrom(request.headers) });
          if (!result.ok) {
            if (result.error.reason === "locked") throw new LockedOut(result.error.retryAfterSeconds);
            return null;
          }
          return { id: result.data.id, email: result.data.email, name: result.data.name };
        },
      }),
      ...(sso ? [sso] : []),
    ],
    // next-auth's own console logging replaced: expected sign-in failures are already audited, and
    // nothing it reports reaches the log with more than its name and message.
    logger: {
      error(error) {
        if (error.name === "CredentialsSignin") return;
        log().error({ err: { name: error.name, message: error.message } }, "next-auth error");
      },
      warn(code) {
        log().warn({ code }, "next-auth warning");
      },
      debug() {},
    },
    callbacks: {
      // Single sign-on identities become (or must already be) active staff members; see lib/auth/sso.ts.
      // A refusal goes back to the sign-in page with its reason, which says what to do.
      async signIn({ account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID) return true;
        const admission = await admitSsoIdentity(
          { ...profile, iss: ssoIssuer(), sub: account.providerAccountId },
          await requestIp(),
        );
        return admission.ok ? true : `/admin/sign-in?error=${ssoRefusalCode(admission.error)}`;
      },
      // Runs on every session read: the staff row is checked each time, so disabling someone or changing
      // their role (both bump session_version) ends their sessions at the next request.
      // Signing out (events.signOut) revokes the session id, so a copy of the cookie is refused too.
      async jwt({ token, user, account }) {
        if (user) {
          const staff =
            account?.provider === SSO_PROVIDER_ID
              ? await staffForSsoIdentity(ssoIssuer(), account.providerAccountId)
              : user.id
                ? await db().staffUser.findUnique({ where: { id: user.id } })
                : null;
          if (!staff || staff.disabledAt) return null;
          return {
            sub: staff.id,
            email: staff.email,
            name: staff.name,
            role: staff.role,
            sv: staff.sessionVersion,
            authAt: Math.floor(Date.now() / 1000),
            sid: newSessionId(),
            pcr: staff.passwordChangeRequired,
          };
        }
        const claims = sessionClaimsSchema.safeParse(token);
        if (!claims.success || !withinAbsoluteLimit(claims.data.authAt)) return null;
        const staff = await activeStaff(claims.data.sub, claims.data.sv, claims.data.sid);
        if (!staff) return null;
        return { ...token, email: staff.email, name: staff.name, role: staff.role, pcr: staff.passwordChangeRequired };
      },
      session({ session, token }) {
        const claims = sessionClaimsSchema.safeParse(token);
        const role = token.role;
        if (!claims.success || (role !== "ADMIN" && role !== "OPERATIONS" && role !== "SUPPORT")) {
          return {
            expires: session.expires,
            user: { id: "", role: "SUPPORT", email: "", name: null, mustChangePassword: true },
          };
        }
        return {
          expires: session.expires,
          user: {
            id: claims.data.sub,
            role,
            email: typeof token.email === "string" ? token.email : "",
            name: typeof token.name === "string" ? token.name : null,
            mustChangePassword: token.pcr === true,
          },
        };
      },
    },
    events: {
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        const claims = sessionClaimsSchema.safeParse(token);
        if (claims.success) {
          await revokeSession({ sid: claims.data.sid, staffId: claims.data.sub, authAtSeconds: claims.data.authAt });
          await recordAudit({
            actor: {
              type: "staff",
              id: claims.data.sub,
              label: typeof token?.email === "string" ? token.email : claims.data.sub,
            },
            action: "staff.sign_out",
            target: { type: "staff", id: claims.data.sub },
          });
        }
      },
    },
  };
});
