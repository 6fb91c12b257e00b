import { describe, expect, it } from "vitest";
import { baseAuthConfig, SESSION_LIMITS, sessionClaimsSchema, withinAbsoluteLimit } from "@/lib/auth/session-policy";

describe("session limits", () => {
  it("ends a session at the absolute limit whatever the activity", () => {
    const now = Date.now();
    const signedIn = Math.floor(now / 1000);
    expect(withinAbsoluteLimit(signedIn, now)).toBe(true);
    expect(withinAbsoluteLimit(signedIn, now + (SESSION_LIMITS.absoluteSeconds - 60) * 1000)).toBe(true);
    expect(withinAbsoluteLimit(signedIn, now + SESSION_LIMITS.absoluteSeconds * 1000)).toBe(false);
  });

  it("rolls the cookie with the inactivity limit on every request, and drops tokens without our claims or past the limit", async () => {
    const config = baseAuthConfig();
    expect(config.session).toMatchObject({ strategy: "jwt", maxAge: SESSION_LIMITS.idleSeconds, updateAge: 0 });
    expect(config.trustHost).toBe(true);
    const jwt = config.callbacks?.jwt;
    if (!jwt) throw new Error("no jwt callback");
    const fresh = { sub: "0197a7e2-6f1c-7000-8000-000000000001", sv: 0, authAt: Math.floor(Date.now() / 1000) };
    expect(sessionClaimsSchema.safeParse(fresh).success).toBe(true);
    expect(await jwt({ token: fresh, user: { id: fresh.sub } })).toEqual(fresh);
    expect(await jwt({ token: { ...fresh, authAt: fresh.authAt - SESSION_LIMITS.absoluteSeconds - 1 }, user: { id: fresh.sub } })).toBeNull();
    expect(await jwt({ token: { sub: fresh.sub }, user: { id: fresh.sub } })).toBeNull();
  });
});
