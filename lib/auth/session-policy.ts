import "server-only";
import type { NextAuthConfig } from "next-auth";
import { z } from "zod";
import { config, type AppConfig } from "@/lib/config/env";

/**
 * A session ends after 30 minutes without a request (the cookie and its JWT are re-issued with a new
 * expiry on every request that passes through proxy.ts) and in any case 12 hours after sign-in.
 */
export const SESSION_LIMITS = { idleSeconds: 30 * 60, absoluteSeconds: 12 * 60 * 60 } as const;

/** What our JWT carries besides next-auth's defaults: staff id, session version, sign-in time, session id. */
export const sessionClaimsSchema = z.object({
  sub: z.string().uuid(),
  sv: z.number().int().nonnegative(),
  authAt: z.number().int().positive(),
  sid: z.string().min(32).max(64),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

export function withinAbsoluteLimit(authAtSeconds: number, nowMs = Date.now()): boolean {
  return nowMs / 1000 - authAtSeconds < SESSION_LIMITS.absoluteSeconds;
}

/**
 * Pins next-auth's own URL to APP_URL unless AUTH_TRUST_HOST is set: next-auth then never builds a URL
 * (redirects, cookie names) from the request's Host or X-Forwarded-Host. next-auth reads this from
 * process.env (AUTH_URL) at each call, so that is where it goes.
 */
function pinAuthUrl(settings: AppConfig): void {
  if (!settings.authTrustHost && !process.env.AUTH_URL) process.env.AUTH_URL = settings.appUrl;
}

/**
 * The next-auth settings both instances share: the full one (lib/auth/next-auth.ts) and the light one
 * proxy.ts uses to roll the inactivity expiry without touching the database. Secure cookies follow
 * APP_URL (https), never the request's scheme; with AUTH_TRUST_HOST unset the URL is APP_URL, so
 * next-auth's host check has nothing left to trust.
 */
export function baseAuthConfig(settings: AppConfig = config()): NextAuthConfig {
  pinAuthUrl(settings);
  return {
    secret: settings.authSecret,
    trustHost: true,
    useSecureCookies: settings.appUrl.startsWith("https://"),
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
