// The only reader of environment variables in application code (through `env` passed in).
// Kept free of "server-only" so scripts and tests can load the same configuration.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ConnectionProvider } from "../db/generated/enums";
import { isLoopbackUrl } from "../http/addresses";
import { parseRateLimitOverrides, type RateLimitPolicy, type RateLimitPolicyName } from "../rate-limit/policies";
import { passwordProblem } from "../auth/password-policy";

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
  }
}

const integratorKeySchema = z.object({
  key_id: z.string().min(1),
  private_key: z.string().includes("PRIVATE KEY"),
  project_code: z.string().min(1),
  channel_identifier: z.string().optional(),
  user_code: z.string().optional(),
  type: z.string().optional(),
});
export type NoonIntegratorKey = z.infer<typeof integratorKeySchema>;

type Env = Record<string, string | undefined>;

type DevSecrets = Record<"SESSION_SECRET" | "AUTH_SECRET" | "SECRETS_LOCAL_KEY", string>;

/** Dev only: secrets generated once into .data/dev-secrets.json and reused by every process. */
function devSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, "dev-secrets.json");
  const read = (): DevSecrets | undefined => {
    if (!existsSync(file)) return undefined;
    const parsed = z
      .object({ SESSION_SECRET: z.string(), AUTH_SECRET: z.string(), SECRETS_LOCAL_KEY: z.string() })
      .safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  const fresh: DevSecrets = {
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
  };
  try {
    writeFileSync(file, JSON.stringify(fresh, null, 2), { flag: "wx", mode: 0o600 });
    return fresh;
  } catch {
    // Another process wrote it first: use theirs.
    return read() ?? fresh;
  }
}

const bool = (v: string | undefined) => v === "1" || v === "true";

function decodeLocalKey(variable: string, value: string): Buffer {
  const key = Buffer.from(value, "base64");
  if (key.length !== 32)
    throw new ConfigError(variable, "must be base64 of exactly 32 bytes (try: openssl rand -base64 32)");
  return key;
}

export const localKeyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

function readIntegratorKey(env: Env): NoonIntegratorKey | null {
  let raw: string | undefined;
  let variable = "NOON_INTEGRATOR_KEY";
  if (env.NOON_INTEGRATOR_KEY) raw = env.NOON_INTEGRATOR_KEY;
  else if (env.NOON_INTEGRATOR_KEY_FILE) {
    variable = "NOON_INTEGRATOR_KEY_FILE";
    try {
      raw = readFileSync(env.NOON_INTEGRATOR_KEY_FILE, "utf8");
    } catch {
      throw new ConfigError(variable, `cannot read the file ${env.NOON_INTEGRATOR_KEY_FILE}`);
    }
  }
  if (raw === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(variable, "is not valid JSON (expected the service-account key file Noon issued)");
  }
  const parsed = integratorKeySchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      variable,
      `lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")} (expected key_id, private_key, project_code)`,
    );
  }
  return parsed.data;
}

/** A whole number of milliseconds in [min, max], or the default when unset. */
function millis(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(variable, `must be a whole number of milliseconds from ${min} to ${max}`);
  }
  return value;
}

const httpUrl = (variable: string, value: string) => {
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error();
    return value.replace(/\/+$/, "");
  } catch {
    throw new ConfigError(variable, `is not an http(s) URL: ${value}`);
  }
};

/** The port of `npm run dev`'s embedded PostgreSQL (scripts/lib/stack.ts), on 127.0.0.1. */
export const EMBEDDED_DEV_PG_PORT = 5433;

/** True when a database URL names the embedded development PostgreSQL: loopback, port 5433. */
export function isEmbeddedDevDatabase(databaseUrl: string): boolean {
  try {
    const url = new URL(databaseUrl);
    return isLoopbackUrl(databaseUrl) && url.port === String(EMBEDDED_DEV_PG_PORT);
  } catch {
    return false;
  }
}

/**
 * `next dev`/`next start` set NODE_ENV themselves; a worker or CLI started without it would otherwise run
 * with development defaults (generated secrets, the documented admin) against whatever DATABASE_URL names.
 */
function refuseUnsetNodeEnvOnRealDatabase(env: Env): void {
  if (env.NODE_ENV?.trim()) return;
  const databaseUrl = env.DATABASE_URL?.trim();
  if (!databaseUrl || isEmbeddedDevDatabase(databaseUrl)) return;
  let where = "another database";
  try {
    const url = new URL(databaseUrl);
    where = `${url.hostname}${url.port ? `:${url.port}` : ""}`;
  } catch {
    // An unparsable URL: still not the embedded one.
  }
  throw new ConfigError(
    "NODE_ENV",
    `is not set while DATABASE_URL points at ${where}, not the embedded development database: set NODE_ENV=production (or NODE_ENV=development for a development database)`,
  );
}

function readPorts(variable: string, value: string | undefined): number[] {
  const ports: number[] = [];
  for (const item of (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const port = Number(item);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new ConfigError(variable, `"${item}" is not a port number (1-65535)`);
    ports.push(port);
  }
  return ports;
}

function numberVar(
  env: Env,
  name: string,
  fallback: number,
  o: { min: number; max: number; integer?: boolean },
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < o.min || value > o.max || (o.integer && !Number.isInteger(value))) {
    throw new ConfigError(
      name,
      `must be ${o.integer ? "a whole number" : "a number"} from ${o.min} to ${o.max} (got "${raw}")`,
    );
  }
  return value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const simulatorHostsSchema = z.object({ tokenUrl: z.string().url(), apiBaseUrl: z.string().url() });
const providerSimulatorsSchema = z
  .object(
    Object.fromEntries(Object.values(ConnectionProvider).map((p) => [p, simulatorHostsSchema])) as Record<
      ConnectionProvider,
      typeof simulatorHostsSchema
    >,
  )
  .partial();

export interface AppConfig {
  nodeEnv: "development" | "production" | "test";
  isProduction: boolean;
  databaseUrl: string | undefined;
  /** DATABASE_PREPARED_STATEMENTS: distinct statements sent under a name (prepared once per connection); 0: none. */
  preparedStatements: number;
  appUrl: string;
  sessionSecret: string;
  authSecret: string;
  admin: { email: string; password: string } | null;
  /** Proxies in front of the app that append to X-Forwarded-For (0: the socket's address is the client's). */
  trustedProxyHops: number;
  /** AUTH_TRUST_HOST: next-auth takes its URL from Host / X-Forwarded-Host; otherwise always APP_URL. */
  authTrustHost: boolean;
  noon: {
    clientId: string;
    clientSecret: string;
    authorizeUrl: string;
    apiUrl: string;
    integratorKey: NoonIntegratorKey | null;
  } | null;
  secrets: {
    backend: "aws" | "local";
    localKey: Buffer;
    localKeyId: string;
    previousLocalKey: Buffer | null;
    namePrefix: string;
    kmsKeyId: string | undefined;
  };
  oidc: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    roleDomains: Record<string, "ADMIN" | "OPERATIONS" | "SUPPORT">;
  } | null;
  allowInsecureProviderUrls: boolean;
  /** Non-default ports provider URLs may use (PROVIDER_ALLOWED_PORTS); any port with ALLOW_INSECURE_PROVIDER_URLS. */
  providerAllowedPorts: number[];
  /** RATE_LIMITS: policies whose defaults (lib/rate-limit/policies.ts) this installation changes. */
  rateLimitOverrides: Partial<Record<RateLimitPolicyName, RateLimitPolicy>>;
  /** Scheduled verification of every current seller key (lib/noon/verify.ts). */
  noonVerification: {
    /** How often each credential is verified; 0 turns the schedule off. */
    intervalMs: number;
    /** Noon logins the schedule may spend per minute, across every process. */
    perMinute: number;
  };
  /** Development only: the bundled provider simulators' URLs, offered as an environment on the connection form. */
  providerSimulators: Partial<Record<ConnectionProvider, { tokenUrl: string; apiBaseUrl: string }>> | null;
  runJobsInProcess: boolean;
  /** SIGTERM: health answers 503 for drainDelayMs, then in-flight work gets up to timeoutMs in all. */
  shutdown: { drainDelayMs: number; timeoutMs: number };
  /** Sealed secrets: how long a process owns one it is storing, and how often every process looks for orphans. */
  recovery: { leaseMs: number; sweepMs: number };
  logLevel: string;
  logFile: string | undefined;
}

/**
 * Reads and validates every variable of .env.example. In production a missing or weak value throws a
 * ConfigError naming the variable; in development the secrets are generated once into .data/.
 */
export function loadConfig(env: Env, opts: { dataDir?: string } = {}): AppConfig {
  refuseUnsetNodeEnvOnRealDatabase(env);
  const nodeEnv = env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : "development";
  const isProduction = nodeEnv === "production";
  const dataDir = opts.dataDir ?? path.join(process.cwd(), ".data");
  const dev = isProduction ? undefined : devSecrets(dataDir);

  const required = (name: string, devValue?: string): string => {
    const value = env[name]?.trim();
    if (value) return value;
    if (!isProduction && devValue !== undefined) return devValue;
    throw new ConfigError(name, isProduction ? "is required in production" : "is required");
  };

  const appUrl = httpUrl(
    "APP_URL",
    env.APP_URL?.trim() || (isProduction ? required("APP_URL") : "http://localhost:3000"),
  );
  if (isProduction && !appUrl.startsWith("https://") && !isLoopbackUrl(appUrl)) {
    throw new ConfigError("APP_URL", "must be https:// in production");
  }

  const sessionSecret = required("SESSION_SECRET", dev?.SESSION_SECRET);
  if (sessionSecret.length < 32) throw new ConfigError("SESSION_SECRET", "must be at least 32 characters");
  const authSecret = required("AUTH_SECRET", dev?.AUTH_SECRET);
  if (authSecret.length < 32) throw new ConfigError("AUTH_SECRET", "must be at least 32 characters");

  const localKey = decodeLocalKey("SECRETS_LOCAL_KEY", required("SECRETS_LOCAL_KEY", dev?.SECRETS_LOCAL_KEY));
  const previousLocalKey = env.SECRETS_LOCAL_KEY_PREVIOUS
    ? decodeLocalKey("SECRETS_LOCAL_KEY_PREVIOUS", env.SECRETS_LOCAL_KEY_PREVIOUS)
    : null;
  const backendRaw = env.SECRETS_BACKEND?.trim() || (isProduction ? required("SECRETS_BACKEND") : "local");
  if (backendRaw !== "aws" && backendRaw !== "local") throw new ConfigError("SECRETS_BACKEND", "must be aws or local");

  const adminEmail = env.ADMIN_EMAIL?.trim() || (isProduction ? undefined : "admin@example.com");
  const adminPassword = env.ADMIN_PASSWORD || (isProduction ? undefined : "change-me-on-first-sign-in");
  // Development keeps the documented password so a newcomer can sign in; they must replace it at once.
  const adminPasswordProblem = isProduction && adminPassword ? passwordProblem(adminPassword, [adminEmail]) : null;
  if (adminPasswordProblem) throw new ConfigError("ADMIN_PASSWORD", `is refused: ${adminPasswordProblem}`);

  const hopsRaw = env.TRUSTED_PROXY_HOPS?.trim() || "0";
  if (!/^\d{1,2}$/.test(hopsRaw) || Number(hopsRaw) > 10) {
    throw new ConfigError("TRUSTED_PROXY_HOPS", "must be a whole number from 0 (no proxy) to 10");
  }
  const trustHostRaw = env.AUTH_TRUST_HOST?.trim().toLowerCase();
  if (trustHostRaw && !["1", "0", "true", "false"].includes(trustHostRaw)) {
    throw new ConfigError("AUTH_TRUST_HOST", "must be true or false");
  }

  const allowInsecureProviderUrls = bool(env.ALLOW_INSECURE_PROVIDER_URLS);
  if (isProduction && allowInsecureProviderUrls && !isLoopbackUrl(appUrl)) {
    throw new ConfigError("ALLOW_INSECURE_PROVIDER_URLS", "must not be set in production");
  }

  let noon: AppConfig["noon"] = null;
  const noonClientId = env.NOON_CLIENT_ID?.trim();
  if (noonClientId || isProduction) {
    const authorizeUrl = httpUrl(
      "NOON_AUTHORIZE_URL",
      env.NOON_AUTHORIZE_URL?.trim() || "https://oauth.noon.partners/",
    );
    const apiUrl = httpUrl("NOON_API_URL", env.NOON_API_URL?.trim() || "https://noon-api-gateway.noon.partners");
    for (const [name, url] of [
      ["NOON_AUTHORIZE_URL", authorizeUrl],
      ["NOON_API_URL", apiUrl],
    ] as const) {
      if (!url.startsWith("https://") && !(allowInsecureProviderUrls && isLoopbackUrl(url))) {
        throw new ConfigError(name, "must be https:// (http:// loopback only with ALLOW_INSECURE_PROVIDER_URLS=1)");
      }
    }
    const integratorKey = readIntegratorKey(env);
    if (isProduction && !integratorKey) {
      throw new ConfigError("NOON_INTEGRATOR_KEY_FILE", "or NOON_INTEGRATOR_KEY is required in production");
    }
    noon = {
      clientId: required("NOON_CLIENT_ID"),
      clientSecret: required("NOON_CLIENT_SECRET"),
      authorizeUrl,
      apiUrl,
      integratorKey,
    };
  }

  let oidc: AppConfig["oidc"] = null;
  if (env.OIDC_ISSUER) {
    const roleDomains: Record<string, "ADMIN" | "OPERATIONS" | "SUPPORT"> = {};
    for (const pair of (env.OIDC_ROLE_DOMAINS ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [domain, role] = pair.split("=").map((s) => s.trim());
      const upper = role?.toUpperCase();
      if (!domain || (upper !== "ADMIN" && upper !== "OPERATIONS" && upper !== "SUPPORT")) {
        throw new ConfigError("OIDC_ROLE_DOMAINS", `"${pair}" is not domain=admin|operations|support`);
      }
      roleDomains[domain.toLowerCase()] = upper;
    }
    oidc = {
      issuer: httpUrl("OIDC_ISSUER", env.OIDC_ISSUER),
      clientId: required("OIDC_CLIENT_ID"),
      clientSecret: required("OIDC_CLIENT_SECRET"),
      roleDomains,
    };
  }

  const intervalHours = numberVar(env, "NOON_VERIFY_INTERVAL_HOURS", 24, { min: 0, max: 24 * 30 });
  const perMinute = numberVar(env, "NOON_VERIFY_PER_MINUTE", 30, { min: 1, max: 10_000, integer: true });

  let providerSimulators: AppConfig["providerSimulators"] = null;
  // Only with ALLOW_INSECURE_PROVIDER_URLS, which production refuses except on a loopback APP_URL (e2e).
  if (env.PROVIDER_SIMULATORS?.trim() && allowInsecureProviderUrls) {
    const parsed = providerSimulatorsSchema.safeParse(safeJson(env.PROVIDER_SIMULATORS));
    if (!parsed.success)
      throw new ConfigError(
        "PROVIDER_SIMULATORS",
        'must be JSON like {"NOYO":{"tokenUrl":"http://127.0.0.1:4011/auth/public/token","apiBaseUrl":"http://127.0.0.1:4011"}}',
      );
    providerSimulators = parsed.data;
  }

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (isProduction && !databaseUrl) required("DATABASE_URL");

  const rateLimits = parseRateLimitOverrides(env.RATE_LIMITS);
  if (!rateLimits.ok) throw new ConfigError("RATE_LIMITS", rateLimits.error);

  return {
    nodeEnv,
    isProduction,
    databaseUrl,
    preparedStatements: numberVar(env, "DATABASE_PREPARED_STATEMENTS", 200, { min: 0, max: 10_000, integer: true }),
    appUrl,
    sessionSecret,
    authSecret,
    admin: adminEmail && adminPassword ? { email: adminEmail.toLowerCase(), password: adminPassword } : null,
    trustedProxyHops: Number(hopsRaw),
    authTrustHost: trustHostRaw === "1" || trustHostRaw === "true",
    noon,
    secrets: {
      backend: backendRaw,
      localKey,
      localKeyId: localKeyId(localKey),
      previousLocalKey,
      namePrefix: env.SECRETS_NAME_PREFIX?.trim() || "seller-onboarding/",
      kmsKeyId: env.SECRETS_KMS_KEY_ID?.trim() || undefined,
    },
    oidc,
    allowInsecureProviderUrls,
    providerAllowedPorts: readPorts("PROVIDER_ALLOWED_PORTS", env.PROVIDER_ALLOWED_PORTS),
    rateLimitOverrides: rateLimits.data,
    noonVerification: { intervalMs: Math.round(intervalHours * 60 * 60 * 1000), perMinute },
    providerSimulators,
    runJobsInProcess: env.JOBS_IN_PROCESS !== "0",
    shutdown: {
      drainDelayMs: millis(env, "SHUTDOWN_DRAIN_DELAY_MS", 5_000, 0, 120_000),
      timeoutMs: millis(env, "SHUTDOWN_TIMEOUT_MS", 25_000, 1_000, 600_000),
    },
    // A lease of at most 2 minutes, and a sweep well within it: an orphan is picked up within lease + sweep.
    recovery: {
      leaseMs: millis(env, "RECOVERY_LEASE_MS", 60_000, 1_000, 120_000),
      sweepMs: millis(env, "RECOVERY_SWEEP_MS", 15_000, 200, 60_000),
    },
    logLevel: env.LOG_LEVEL?.trim() || (nodeEnv === "test" ? "warn" : "info"),
    logFile: env.LOG_FILE?.trim() || undefined,
  };
}
