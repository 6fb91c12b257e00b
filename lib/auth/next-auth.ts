import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { recordAudit } from "@/lib/audit/record";
import type { Role } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { authenticateStaff } from "@/lib/auth/sign-in";
import { baseAuthConfig, sessionClaimsSchema, withinAbsoluteLimit } from "@/lib/auth/session-policy";
import { admitSsoIdentity, SSO_PROVIDER_ID, ssoProvider } from "@/lib/auth/sso";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: Role } & DefaultSession["user"];
  }
}

/** Shown to the person as "locked"; the same generic code otherwise, so nothing hints which part was wrong. */
class LockedOut extends CredentialsSignin {
  override code = "locked";
}

/** The active staff member behind a session, or null when disabled, deleted or the session is stale. */
async function activeStaff(id: string, sessionVersion: number) {
  const staff = await db().staffUser.findUnique({ where: { id } });
  if (!staff || staff.disabledAt || staff.sessionVersion !== sessionVersion) return null;
  return staff;
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
          const result = await authenticateStaff(credentials, clientIpFrom(request.headers));
          if (!result.ok) {
            if (result.error === "locked") throw new LockedOut();
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
      async signIn({ account, profile }) {
        if (account?.provider !== SSO_PROVIDER_ID) return true;
        return (await admitSsoIdentity(profile)) !== null;
      },
      // Runs on every session read: the staff row is checked each time, so disabling someone or changing
      // their role (both bump session_version) ends their sessions at the next request.
      async jwt({ token, user, account }) {
        if (user) {
          const staff =
            account?.provider === SSO_PROVIDER_ID
              ? user.email ? await db().staffUser.findUnique({ where: { email: user.email.toLowerCase() } }) : null
              : user.id ? await db().staffUser.findUnique({ where: { id: user.id } }) : null;
          if (!staff || staff.disabledAt) return null;
          return {
            sub: staff.id,
            email: staff.email,
            name: staff.name,
            role: staff.role,
            sv: staff.sessionVersion,
            authAt: Math.floor(Date.now() / 1000),
          };
        }
        const claims = sessionClaimsSchema.safeParse(token);
        if (!claims.success || !withinAbsoluteLimit(claims.data.authAt)) return null;
        const staff = await activeStaff(claims.data.sub, claims.data.sv);
        if (!staff) return null;
        return { ...token, email: staff.email, name: staff.name, role: staff.role };
      },
      session({ session, token }) {
        const claims = sessionClaimsSchema.safeParse(token);
        const role = token.role;
        if (!claims.success || (role !== "ADMIN" && role !== "OPERATIONS" && role !== "SUPPORT")) {
          return { expires: session.expires, user: { id: "", role: "SUPPORT", email: "", name: null } };
        }
        return {
          expires: session.expires,
          user: { id: claims.data.sub, role, email: typeof token.email === "string" ? token.email : "", name: typeof token.name === "string" ? token.name : null },
        };
      },
    },
    events: {
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        const claims = sessionClaimsSchema.safeParse(token);
        if (claims.success) {
          await recordAudit({ actor: { type: "staff", id: claims.data.sub, label: typeof token?.email === "string" ? token.email : claims.data.sub }, action: "staff.sign_out", target: { type: "staff", id: claims.data.sub } });
        }
      },
    },
  };
});
