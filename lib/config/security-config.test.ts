import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/config/load";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const production = {
  NODE_ENV: "production",
  APP_URL: "https://onboarding.example",
  DATABASE_URL: "postgres://u:p@db.example:5432/app",
  SESSION_SECRET: randomBytes(32).toString("base64url"),
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
  SECRETS_BACKEND: "aws",
  NOON_CLIENT_ID: "client",
  NOON_CLIENT_SECRET: "client-secret",
  NOON_INTEGRATOR_KEY: JSON.stringify({
    key_id: "k",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    project_code: "P",
  }),
  ADMIN_EMAIL: "admin@onboarding.example",
};

describe("security configuration", () => {
  it("refuses the documented or a weak ADMIN_PASSWORD in production, naming the variable", () => {
    expect(() => loadConfig({ ...production, ADMIN_PASSWORD: "change-me-on-first-sign-in" })).toThrow(
      /^ADMIN_PASSWORD: is refused: .*documentation/,
    );
    expect(() => loadConfig({ ...production, ADMIN_PASSWORD: "Password1234!" })).toThrow(
      /^ADMIN_PASSWORD: is refused: .*too easy to guess/,
    );
    expect(loadConfig({ ...production, ADMIN_PASSWORD: "granite walrus orbit plum" }).admin?.password).toBe(
      "granite walrus orbit plum",
    );
  });

  it("keeps the documented password in development (the admin must replace it at first sign-in)", () => {
    expect(
      loadConfig({
        NODE_ENV: "test",
        ADMIN_PASSWORD: "change-me-on-first-sign-in",
        SESSION_SECRET: production.SESSION_SECRET,
        AUTH_SECRET: production.AUTH_SECRET,
        SECRETS_LOCAL_KEY: production.SECRETS_LOCAL_KEY,
      }).admin,
    ).toMatchObject({
      password: "change-me-on-first-sign-in",
    });
  });

  it("reads TRUSTED_PROXY_HOPS (default 0) and refuses what is not a small whole number", () => {
    const base = { ...production, ADMIN_PASSWORD: undefined };
    expect(loadConfig(base).trustedProxyHops).toBe(0);
    expect(loadConfig({ ...base, TRUSTED_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
    for (const bad of ["-1", "one", "1.5", "99"])
      expect(() => loadConfig({ ...base, TRUSTED_PROXY_HOPS: bad })).toThrow(/^TRUSTED_PROXY_HOPS/);
  });
});
