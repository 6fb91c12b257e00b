// The configuration: an unset NODE_ENV never means development against a real database, and loopback is
// decided on the parsed host.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load";

const dataDir = mkdtempSync(path.join(tmpdir(), "config-test-"));
const load = (env: Record<string, string | undefined>) => loadConfig(env, { dataDir });

const production = {
  NODE_ENV: "production",
  APP_URL: "https://onboarding.example.com",
  DATABASE_URL: "postgresql://app@db.internal:5432/onboarding",
  SESSION_SECRET: "s".repeat(40),
  AUTH_SECRET: "a".repeat(40),
  SECRETS_LOCAL_KEY: Buffer.alloc(32, 7).toString("base64"),
  SECRETS_BACKEND: "aws",
  NOON_CLIENT_ID: "client",
  NOON_CLIENT_SECRET: "secret",
  NOON_INTEGRATOR_KEY: JSON.stringify({ key_id: "k", private_key: "-----BEGIN PRIVATE KEY-----", project_code: "P" }),
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("NODE_ENV unset (a worker or CLI)", () => {
  it("refuses, in one line naming NODE_ENV, when DATABASE_URL is not the embedded development database", () => {
    for (const url of [
      "postgresql://app@db.internal:5432/onboarding",
      "postgresql://app@127.0.0.1:5432/onboarding",
      "postgresql://app@10.0.0.5:5433/x",
    ]) {
      const error = configError(() => load({ DATABASE_URL: url }));
      expect(error.variable).toBe("NODE_ENV");
      expect(error.message).toMatch(/^NODE_ENV: is not set while DATABASE_URL points at .+: set NODE_ENV=production/);
      expect(error.message).not.toContain("\n");
    }
    // Blank counts as unset.
    expect(configError(() => load({ NODE_ENV: " ", DATABASE_URL: production.DATABASE_URL })).variable).toBe("NODE_ENV");
  });

  it("means development with the embedded database (npm run dev's, on 127.0.0.1:5433) or no DATABASE_URL", () => {
    expect(load({ DATABASE_URL: "postgresql://postgres:x@127.0.0.1:5433/seller_onboarding" }).nodeEnv).toBe(
      "development",
    );
    expect(load({}).nodeEnv).toBe("development");
  });

  it("is not involved once NODE_ENV is set", () => {
    expect(load(production).nodeEnv).toBe("production");
    expect(load({ NODE_ENV: "development", DATABASE_URL: production.DATABASE_URL }).nodeEnv).toBe("development");
  });
});

describe("loopback URLs are judged on the parsed host", () => {
  it("refuses a plain-http APP_URL on a name that only looks like loopback", () => {
    expect(load({ ...production, APP_URL: "http://127.0.0.1:3000" }).appUrl).toBe("http://127.0.0.1:3000");
    expect(configError(() => load({ ...production, APP_URL: "http://127.attacker.example" })).variable).toBe("APP_URL");
  });

  it("lets an http Noon URL through only when it really is loopback", () => {
    const sim = { ...production, ALLOW_INSECURE_PROVIDER_URLS: "1", APP_URL: "http://localhost:3000" };
    expect(load({ ...sim, NOON_API_URL: "http://[::1]:4010" }).noon?.apiUrl).toBe("http://[::1]:4010");
    expect(configError(() => load({ ...sim, NOON_API_URL: "http://127.0.0.1.attacker.example:4010" })).variable).toBe(
      "NOON_API_URL",
    );
  });
});

describe("PROVIDER_ALLOWED_PORTS", () => {
  it("reads a list of ports and refuses anything else", () => {
    expect(load({ ...production, PROVIDER_ALLOWED_PORTS: "8443, 9443" }).providerAllowedPorts).toEqual([8443, 9443]);
    expect(load(production).providerAllowedPorts).toEqual([]);
    expect(configError(() => load({ ...production, PROVIDER_ALLOWED_PORTS: "8443,http" })).variable).toBe(
      "PROVIDER_ALLOWED_PORTS",
    );
  });
});

describe("DATABASE_PREPARED_STATEMENTS", () => {
  it("defaults to 200 named statements per process, takes 0 (off) or another count, and refuses anything else", () => {
    expect(load(production).preparedStatements).toBe(200);
    expect(load({ ...production, DATABASE_PREPARED_STATEMENTS: "0" }).preparedStatements).toBe(0);
    expect(load({ ...production, DATABASE_PREPARED_STATEMENTS: "50" }).preparedStatements).toBe(50);
    for (const bad of ["off", "-1", "1.5"])
      expect(configError(() => load({ ...production, DATABASE_PREPARED_STATEMENTS: bad })).variable).toBe(
        "DATABASE_PREPARED_STATEMENTS",
      );
  });
});
