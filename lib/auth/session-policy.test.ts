import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load";
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
    const fresh = {
      sub: "0197a7e2-6f1c-7000-8000-000000000001",
      sv: 0,
      authAt: Math.floor(Date.now() / 1000),
      sid: "s".repeat(43),
    };
    expect(sessionClaimsSchema.safeParse(fresh).success).toBe(true);
    expect(await jwt({ token: fresh, user: { id: fresh.sub } })).toEqual(fresh);
    expect(
      await jwt({
        token: { ...fresh, authAt: fresh.authAt - SESSION_LIMITS.absoluteSeconds - 1 },
        user: { id: fresh.sub },
      }),
    ).toBeNull();
    expect(await jwt({ token: { sub: fresh.sub }, user: { id: fresh.sub } })).toBeNull();
  });

  it("takes secure cookies from APP_URL, not from the request's scheme", () => {
    const env = { ...process.env, NODE_ENV: "test" };
    expect(baseAuthConfig(loadConfig({ ...env, APP_URL: "https://onboarding.example" })).useSecureCookies).toBe(true);
    expect(baseAuthConfig(loadConfig({ ...env, APP_URL: "http://localhost:3999" })).useSecureCookies).toBe(false);
  });

  it("honours AUTH_TRUST_HOST: unset or false pins next-auth's URL to APP_URL; true lets next-auth read the request's host", () => {
    const env = { ...process.env, NODE_ENV: "test" };
    const saved = process.env.AUTH_URL;
    try {
      delete process.env.AUTH_URL;
      baseAuthConfig(loadConfig({ ...env, APP_URL: "https://onboarding.example", AUTH_TRUST_HOST: "true" }));
      expect(process.env.AUTH_URL).toBeUndefined();
      baseAuthConfig(loadConfig({ ...env, APP_URL: "https://onboarding.example", AUTH_TRUST_HOST: "false" }));
      expect(process.env.AUTH_URL).toBe("https://onboarding.example");
      expect(() => loadConfig({ ...env, AUTH_TRUST_HOST: "maybe" })).toThrow(/AUTH_TRUST_HOST/);
    } finally {
      if (saved === undefined) delete process.env.AUTH_URL;
      else process.env.AUTH_URL = saved;
    }
  });
});
