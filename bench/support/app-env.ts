// What a benchmark's app needs: a fresh PostgreSQL database (embedded unless DATABASE_URL is set), the
// simulators in their own process, and the production environment of `next start` pointing at both. The
// secret store is the local one (encrypted in PostgreSQL) unless BENCH_SECRETS=aws: then the `aws` backend
// against the Secrets Manager simulator, as in production.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startLocalStack } from "../../scripts/lib/stack";
import { freePort } from "../../scripts/lib/embedded-pg";
import { buildNext, ROOT, startSimulators, type SimulatorInfo } from "./servers";

export interface BenchApp {
  port: number;
  url: string;
  /** Environment of `next start` (production) and of the app driver. */
  env: NodeJS.ProcessEnv;
  sims: SimulatorInfo;
  /** The simulators' process (for its CPU time). */
  simulatorsPid: number | undefined;
  stop(): Promise<void>;
}

/** Builds the app unless `BENCH_SKIP_BUILD=1` (then the existing .next/ is used) and the bare Next.js app when missing. */
export async function buildForBench(say: (line: string) => void): Promise<void> {
  const skip = process.env.BENCH_SKIP_BUILD === "1";
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  say(
    skip
      ? "Using the existing production build in .next/ (BENCH_SKIP_BUILD=1)."
      : "Building the app (next build; BENCH_SKIP_BUILD=1 reuses .next/) ...",
  );
  await buildNext(ROOT, env, !skip);
  const bareDir = path.join(ROOT, "bench/bare-next");
  const bare = await buildNext(bareDir, env, newestSource(bareDir) > builtAt(bareDir));
  if (bare === "built") say("Built the bare Next.js app (bench/bare-next).");
}

/** Which secret store the benchmarked app uses (BENCH_SECRETS: `local`, the default, or `aws`). */
export function benchSecrets(): "local" | "aws" {
  const value = process.env.BENCH_SECRETS ?? "local";
  if (value !== "local" && value !== "aws") throw new Error(`BENCH_SECRETS must be local or aws, not ${value}`);
  return value;
}

export async function prepareBenchApp(): Promise<BenchApp> {
  const secrets = benchSecrets();
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const stack = await startLocalStack({
    mode: "test",
    appUrl: url,
    env: process.env,
    simulators: false,
    log: () => undefined,
  });
  let sims: Awaited<ReturnType<typeof startSimulators>> | undefined;
  try {
    sims = await startSimulators(`${url}/api/noon/callback`);
    if (secrets === "aws" && !sims.aws) throw new Error("the Secrets Manager simulator did not start");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...stack.env,
      NODE_ENV: "production",
      APP_URL: url,
      AUTH_URL: url,
      AUTH_TRUST_HOST: "true",
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      // Also seals keys awaiting storage with the aws backend.
      SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
      ...(sims.aws
        ? {
            SECRETS_BACKEND: "aws",
            AWS_ENDPOINT_URL_SECRETS_MANAGER: sims.aws.url,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "AKIDSIMULATOR0000001",
            AWS_SECRET_ACCESS_KEY: "simulator-secret-access-key",
          }
        : { SECRETS_BACKEND: "local" }),
      ALLOW_INSECURE_PROVIDER_URLS: "1",
      ADMIN_EMAIL: "bench-admin@localhost.test",
      ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
      NOON_CLIENT_ID: sims.noon.clientId,
      NOON_CLIENT_SECRET: sims.noon.clientSecret,
      NOON_AUTHORIZE_URL: sims.noon.authorizeUrl,
      NOON_API_URL: sims.noon.url,
      NOON_INTEGRATOR_KEY: JSON.stringify(sims.noon.integratorKey),
      BENCH_CLIENT_SECRET: sims.noyo.clientSecret,
      LOG_FILE: process.env.BENCH_LOG_FILE ?? path.join(os.tmpdir(), `bench-app-${process.pid}.log`),
      NEXT_TELEMETRY_DISABLED: "1",
    };
    const s = sims;
    return { port, url, env, sims: s, simulatorsPid: s.pid, stop: async () => (await s.stop(), await stack.stop()) };
  } catch (error) {
    await sims?.stop();
    await stack.stop();
    throw error;
  }
}

/** The newest modification time of the bare app's sources (its build is redone when they change). */
function newestSource(dir: string): number {
  const times = (entry: string): number[] => {
    const full = path.join(dir, entry);
    if (!existsSync(full)) return [];
    if (!statSync(full).isDirectory()) return [statSync(full).mtimeMs];
    return readdirSync(full, { recursive: true, encoding: "utf8" }).map((f) => statSync(path.join(full, f)).mtimeMs);
  };
  return Math.max(0, ...["app", "lib", "next.config.mjs", "instrumentation.js"].flatMap(times));
}

const builtAt = (dir: string) => {
  const id = path.join(dir, ".next", "BUILD_ID");
  return existsSync(id) ? statSync(id).mtimeMs : 0;
};
