// Webhooks: fan-out throughput (events delivered per second to a local receiver that verifies every
// signature with the `standardwebhooks` package) and the time the outbox adds to the Noon callback (p95).
// The app's code runs in bench/webhooks-driver.ts (one worker process, its NOTIFY listener and job
// loops) against an embedded PostgreSQL. BENCH_WEBHOOKS_EVENTS / _ENDPOINTS / _CALLBACKS change the sizes.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { freePort } from "../scripts/lib/embedded-pg";
import { startLocalStack } from "../scripts/lib/stack";

type Summary = { p50: number; p95: number; max: number };
type Figures = {
  callbacks: number;
  endpoints: number;
  events: number;
  callbackMs: Summary;
  emitMs: Summary;
  emittedPerSecond: number;
  deliveredPerSecond: number;
  eventToDeliveryMs: Summary;
  unverified: number;
};

const ms = (v: number) => `${v.toFixed(1)} ms`;

export async function run(): Promise<void> {
  const appUrl = `http://localhost:${await freePort()}`;
  const stack = await startLocalStack({
    mode: "test",
    appUrl,
    env: { NODE_ENV: "test" },
    simulators: false,
    log: () => undefined,
  });
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...stack.env,
      NODE_ENV: "test",
      APP_URL: "http://localhost:3999",
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
      SECRETS_BACKEND: "local",
      ALLOW_INSECURE_PROVIDER_URLS: "1",
      JOBS_IN_PROCESS: "0",
      LOG_LEVEL: "warn",
      LOG_FILE: path.join(os.tmpdir(), `bench-webhooks-${process.pid}.log`),
    };
    const figures = await new Promise<Figures>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", path.join("bench", "webhooks-driver.ts")],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      let errOut = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (errOut += d.toString()));
      child.on("exit", (code) => {
        if (code !== 0) return reject(new Error(`webhooks bench driver failed: ${errOut.slice(-1500)}`));
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Figures);
      });
    });
    const f = figures;
    console.log(
      `Fan-out: ${f.events} events × ${f.endpoints} endpoints, one worker process (10 job loops), receiver verifying every signature`,
    );
    console.log(`  emitted            ${f.emittedPerSecond.toFixed(0)} events/s (20 concurrent emitting transactions)`);
    console.log(
      `  delivered          ${f.deliveredPerSecond.toFixed(0)} deliveries/s = ${(f.deliveredPerSecond / f.endpoints).toFixed(0)} events/s to each endpoint`,
    );
    console.log(
      `  delivered/emitted  ${(f.deliveredPerSecond / (f.emittedPerSecond * f.endpoints)).toFixed(2)} (1.00 = delivery keeps up with emission)`,
    );
    console.log(
      `  event → delivered  p50 ${ms(f.eventToDeliveryMs.p50)}, p95 ${ms(f.eventToDeliveryMs.p95)}, max ${ms(f.eventToDeliveryMs.max)}`,
    );
    console.log(`  unverified         ${f.unverified} (requests whose signature did not verify)`);
    console.log(
      `Noon callback (${f.callbacks} connections, ${f.endpoints} subscribed endpoints, workers delivering meanwhile)`,
    );
    console.log(`  whole callback     p50 ${ms(f.callbackMs.p50)}, p95 ${ms(f.callbackMs.p95)}`);
    console.log(
      `  outbox's part      p50 ${ms(f.emitMs.p50)}, p95 ${ms(f.emitMs.p95)} (the seller.connected emit in its transaction)`,
    );
    console.log(`  added / callback   ${((f.emitMs.p95 / f.callbackMs.p95) * 100).toFixed(1)} % at p95`);
  } finally {
    await stack.stop();
  }
}
