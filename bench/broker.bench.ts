// The token broker under load. Prints figures and ratios only; never fails on a time.
//  1. Token requests per connection per token lifetime: 3 separate processes × 200 concurrent callers,
//     a round every 250 ms for several lifetimes of a short-lived (3 s) Noyo simulator token.
//  2. Latency of a cached token through GET /api/v1/connections/{id}/token (p50, p99): the real
//     production server (`next start`, autocannon) when a build exists in .next/, otherwise the broker's
//     cached getToken measured in-process (said so in the output).
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { startLocalStack } from "../scripts/lib/stack";
import { freePort } from "../scripts/lib/embedded-pg";
import { startNoyoSimulator } from "../simulators/noyo/index";
import { startBrokerChildren, type ChildRound } from "../tests/support/connections/children";

const PROCESSES = 3;
const CALLERS = 200;
const LIFETIME_S = 3;
const LIFETIMES = Number(process.env.BENCH_BROKER_LIFETIMES ?? 4);
const ROUND_EVERY_MS = 250;

type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<{
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}>;

const driver = path.join(process.cwd(), "tests/support/connections/bench-driver.ts");
const nodeArgs = ["--conditions=react-server", "--import", "tsx", driver];

// Asynchronous on purpose: the simulator runs in this process and must keep answering meanwhile.
function runDriver(args: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`bench driver ${args[0]} failed: ${stderr.slice(-1500)}`));
      resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as unknown);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<void> {
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  const stack = await startLocalStack({
    mode: "test",
    appUrl,
    env: { NODE_ENV: "test" },
    simulators: true,
    log: () => undefined,
  });
  const clientId = `bench-${randomUUID().slice(0, 8)}`;
  const clientSecret = randomBytes(24).toString("base64url");
  const noyo = await startNoyoSimulator({ clients: [{ clientId, clientSecret }], tokenLifetimeSeconds: LIFETIME_S });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...stack.env,
    NODE_ENV: "test",
    APP_URL: appUrl,
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
    SECRETS_BACKEND: "local",
    ALLOW_INSECURE_PROVIDER_URLS: "1",
    JOBS_IN_PROCESS: "0",
    LOG_LEVEL: "warn",
    LOG_FILE: path.join(os.tmpdir(), `bench-broker-${process.pid}.log`),
    BENCH_CLIENT_SECRET: clientSecret,
  };
  try {
    const { connectionId, apiKey } = (await runDriver(["setup", noyo.tokenUrl, noyo.url, clientId], env)) as {
      connectionId: string;
      apiKey: string;
    };

    // ── 1. token requests per lifetime ──
    const children = await startBrokerChildren(PROCESSES, connectionId, CALLERS, env);
    const rounds: ChildRound[][] = [];
    const started = Date.now();
    try {
      while (Date.now() - started < LIFETIMES * LIFETIME_S * 1000) {
        rounds.push(await children.round());
        await sleep(ROUND_EVERY_MS);
      }
    } finally {
      await children.close();
    }
    const elapsedS = (Date.now() - started) / 1000;
    const calls = rounds.flat().reduce((n, r) => n + r.ok + r.failed, 0);
    const failed = rounds.flat().reduce((n, r) => n + r.failed, 0);
    const requests = noyo.counters().tokenRequestsByClient[clientId] ?? 0;
    const lifetimes = elapsedS / LIFETIME_S;
    const distinct = new Set(rounds.flat().flatMap((r) => Object.keys(r.tokens))).size;
    const maxRoundMs = Math.max(...rounds.flat().map((r) => r.ms));
    console.log(
      `Broker, ${PROCESSES} processes × ${CALLERS} concurrent callers, one connection, ${LIFETIME_S} s tokens:`,
    );
    console.log(
      `  ${rounds.length} rounds, ${calls.toLocaleString("en")} getToken calls (${failed} failed) over ${elapsedS.toFixed(1)} s = ${lifetimes.toFixed(2)} token lifetimes`,
    );
    console.log(`  token requests at the provider: ${requests} (distinct tokens seen: ${distinct})`);
    // A token is renewed when a fifth of its lifetime is left, so the most a steady stream of callers can
    // cause is the first token plus one per 0.8 lifetime.
    const bound = 1 + Math.floor(lifetimes / 0.8);
    console.log(
      `  token requests per connection per lifetime: ${(requests / lifetimes).toFixed(2)} (design bound for this run: ${bound} requests = ${(bound / lifetimes).toFixed(2)} per lifetime; without the broker: ${calls.toLocaleString("en")})`,
    );
    console.log(
      `  getToken calls per token request: ${(calls / Math.max(1, requests)).toFixed(0)}; slowest round of ${CALLERS} callers: ${maxRoundMs} ms`,
    );

    // ── 2. cached token latency ──
    const r = (await runDriver(["latency", connectionId, "3000"], env)) as {
      n: number;
      p50: number;
      p99: number;
      max: number;
    };
    console.log(`Cached token in-process, broker.getToken, ${r.n} sequential calls (no HTTP, no API-key check):`);
    console.log(`  p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, max ${r.max.toFixed(1)} ms`);
    if (existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
      await measureThroughServer({ env, appPort, appUrl, connectionId, apiKey });
    } else {
      console.log(
        "Cached token through the route: no production build in .next/ (run `npm run build` first), so only the in-process figure above.",
      );
    }
    console.log(
      `Machine load while measuring (1-min load average / cores): ${os.loadavg()[0]?.toFixed(1)} / ${os.cpus().length}`,
    );
  } finally {
    await noyo.close();
    await stack.stop();
  }
}

async function measureThroughServer(opts: {
  env: NodeJS.ProcessEnv;
  appPort: number;
  appUrl: string;
  connectionId: string;
  apiKey: string;
}) {
  const server = spawn("node_modules/.bin/next", ["start", "--port", String(opts.appPort)], {
    env: {
      ...opts.env,
      NODE_ENV: "production",
      AUTH_TRUST_HOST: "true",
      AUTH_URL: opts.appUrl,
      ADMIN_EMAIL: "bench-admin@localhost.test",
      ADMIN_PASSWORD: randomBytes(18).toString("base64url"),
      // Measures the path at full speed from one address: the /api/v1 limits (still checked) never refuse.
      RATE_LIMITS: "api-per-address=1000000000/60,api-per-key=1000000000/60",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr.on("data", (d: Buffer) => (output += d.toString()));
  try {
    const url = `${opts.appUrl}/api/v1/connections/${opts.connectionId}/token`;
    const headers = { authorization: `Bearer ${opts.apiKey}` };
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await fetch(url, { headers }).catch(() => null);
      if (res?.status === 200) break;
      if (server.exitCode !== null || Date.now() > deadline) {
        console.log(
          `Cached token latency: the server did not come up (${res ? `HTTP ${res.status}` : "no answer"}): ${output.slice(-800)}`,
        );
        return;
      }
      await sleep(250);
    }
    const require = createRequire(import.meta.url);
    const autocannon = require("autocannon") as Autocannon;
    // One connection: the latency of a single caller. Ten: what concurrency adds (the API-key usage
    // counter is one row per key and hour, updated by every call).
    for (const connections of [1, 10]) {
      const result = await autocannon({ url, connections, duration: 8, headers });
      console.log(
        `Cached token through GET /api/v1/connections/{id}/token (next start, loopback, autocannon, ${connections} connection(s), 8 s):`,
      );
      console.log(
        `  ${result.requests.total.toLocaleString("en")} requests (${Math.round(result.requests.average)}/s), non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
      console.log(
        `  latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms (includes the API-key check, its rate limits and its usage count)`,
      );
    }
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
}
