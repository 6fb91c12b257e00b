import "server-only";
import type { NextAuthConfig } from "next-auth";
import { z } from "zod";
import { config } from "@/lib/config/env";

/**
 * A session ends after 30 minutes without a request (the cookie and its JWT are re-issued with a new
 * expiry on every request that passes through proxy.ts) and in any case 12 hours after sign-in.
 */
export const SESSION_LIMITS = { idleSeconds: 30 * 60, absoluteSeconds: 12 * 60 * 60 } as const;

/** What our JWT carries besides next-auth's defaults: staff id, session version and sign-in time. */
export const sessionClaimsSchema = z.object({
  sub: z.string().uuid(),
  sv: z.number().int().nonnegative(),
  authAt: z.number().int().positive(),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

export function withinAbsoluteLimit(authAtSeconds: number, nowMs = Date.now()): boolean {
  return nowMs / 1000 - authAtSeconds < SESSION_LIMITS.absoluteSeconds;
}

/**
 * The next-auth settings both instances share: the full one (lib/auth/next-auth.ts) and the light one
 * proxy.ts uses to roll the inactivity expiry without touching the database.
 */
export function baseAuthConfig(): NextAuthConfig {
  return {
    secret: config().authSecret,
    trustHost: true,
    basePath: "/api/auth",
    session: { strategy: "jwt", maxAge: SESSION_LIMITS.idleSeconds, updateAge: 0 },
    pages: { signIn: "/admin/sign-in", error: "/admin/sign-in" },
    providers: [],
    callbacks: {
      jwt({ token }) {
        const claims = sessionClaimsSchema.safeParse(token);
        if (!claims.success || !withinAbsoluteLimit(claims.data.authAt)) return null;
        return token;
      },
    },
  };
}
