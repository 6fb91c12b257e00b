// Scale-out: the same load against 1 and then 3 `next start` instances (+ `npm run worker`) on one
// PostgreSQL behind the load balancer of scripts/lib/cluster.ts. Prints, for each size:
//  - seller callbacks per second: whole flows (Connect, then Noon's redirect to the callback: state check,
//    token/create, token/exchange, the key sealed, stored in the Secrets Manager simulator, completed);
//  - token requests per second through GET /api/v1/connections/{id}/token (cached token, autocannon);
//  - the key's exposure window: Noon's answer reaching us → the seal's commit (p50, p99, max), one seller
//    at a time and under the concurrent load, read from the instances' "noon authorization finished" lines;
// then the 3-instance/1-instance ratios. Figures only: never fails on a time. Needs `npm run build`.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { startCluster, type Cluster } from "../scripts/lib/cluster";
import { seedSellers, sellerFlow } from "../scripts/lib/seller-flow";

const FLOW_SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 15);
const FLOW_CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 12);
const QUIET_FLOWS = Number(process.env.BENCH_SCALE_QUIET_FLOWS ?? 40);
const TOKEN_SECONDS = 8;
const TOKEN_CONNECTIONS = 20;

type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<{
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;

type Window = { n: number; p50: number; p99: number; max: number };
type Figures = {
  instances: number;
  callbacksPerS: number;
  flows: number;
  failedFlows: number;
  tokensPerS: number;
  tokenP99: number;
  window: Window;
  quietWindow: Window;
};

const windowOf = (sorted: number[]): Window => ({
  n: sorted.length,
  p50: pct(sorted, 50),
  p99: pct(sorted, 99),
  max: sorted.at(-1) ?? NaN,
});

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

function setupConnection(cluster: Cluster, dir: string): Promise<{ connectionId: string; apiKey: string }> {
  const noyo = cluster.stack.providers?.noyo;
  if (!noyo) throw new Error("no Noyo simulator");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "tests/support/connections/bench-driver.ts",
        "setup",
        noyo.tokenUrl,
        noyo.apiBaseUrl,
        "noyo-sim-client",
      ],
      {
        env: {
          ...process.env,
          ...cluster.env,
          NODE_ENV: "test",
          BENCH_CLIENT_SECRET: "noyo-sim-secret-not-for-production",
          LOG_FILE: path.join(dir, "driver.log"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"))
        : reject(new Error(`setup exited ${code}: ${err.slice(-500)}`)),
    );
  });
}

/** keySealedMs of every callback the instances' logs show finished between `from` and `to`. */
function sealWindows(dir: string, instances: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= instances; i++) {
    const file = path.join(dir, `app${i}.log`);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.includes("noon authorization finished")) continue;
      const entry = JSON.parse(line) as { keySealedMs?: number; time?: string };
      const at = entry.time ? Date.parse(entry.time) : NaN;
      if (typeof entry.keySealedMs === "number" && at >= from && at <= to) out.push(entry.keySealedMs);
    }
  }
  return out.sort((a, b) => a - b);
}

async function measure(instances: number): Promise<Figures> {
  const dir = path.join(os.tmpdir(), `bench-scale-${process.pid}-${instances}`);
  rmSync(dir, { recursive: true, force: true });
  const cluster = await startCluster({ instances, dir, env: { LOG_LEVEL: "info" } });
  try {
    const noon = cluster.stack.noon;
    if (!noon) throw new Error("no Noon simulator");
    // Warm-up: every instance serves a flow once (first-request work is not what is measured).
    const warm = await seedSellers(cluster.stack.databaseUrl, instances * 2);
    await Promise.all(
      warm.map((seller) =>
        sellerFlow({ noon, appUrl: cluster.url, connectBase: cluster.url, callbackBase: cluster.url, seller }),
      ),
    );

    // One seller at a time: the window without queueing behind other requests.
    const quiet = await seedSellers(cluster.stack.databaseUrl, QUIET_FLOWS);
    const quietFrom = Date.now();
    for (const seller of quiet)
      await sellerFlow({ noon, appUrl: cluster.url, connectBase: cluster.url, callbackBase: cluster.url, seller });
    const quietTo = Date.now();

    const sellers = await seedSellers(cluster.stack.databaseUrl, 4000);
    let next = 0;
    let flows = 0;
    let failed = 0;
    const started = performance.now();
    const deadline = started + FLOW_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: FLOW_CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const seller = sellers[next++];
          if (!seller) return;
          const r = await sellerFlow({
            noon,
            appUrl: cluster.url,
            connectBase: cluster.url,
            callbackBase: cluster.url,
            seller,
          }).catch(() => null);
          if (r?.status === 303) flows++;
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const loadedTo = Date.now();

    const { connectionId, apiKey } = await setupConnection(cluster, dir);
    const url = `${cluster.url}/api/v1/connections/${connectionId}/token`;
    const headers = { authorization: `Bearer ${apiKey}` };
    await fetch(url, { headers });
    const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
    const tokens = await autocannon({ url, connections: TOKEN_CONNECTIONS, duration: TOKEN_SECONDS, headers });
    const windows = sealWindows(dir, instances, quietTo + 1, loadedTo + 5_000).sort((a, b) => a - b);
    const quietWindows = sealWindows(dir, instances, quietFrom, quietTo).sort((a, b) => a - b);
    return {
      instances,
      callbacksPerS: flows / seconds,
      flows,
      failedFlows: failed,
      tokensPerS: tokens.requests.average,
      tokenP99: tokens.latency.p99,
      window: windowOf(windows),
      quietWindow: windowOf(quietWindows),
    };
  } finally {
    await cluster.stop();
  }
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("Scale: no production build in .next/ (run `npm run build` first); skipped.");
    return;
  }
  const results: Figures[] = [];
  for (const n of [1, 3]) {
    const f = await measure(n);
    results.push(f);
    console.log(
      `${n} instance(s) + worker behind the load balancer (loopback, ${FLOW_CONCURRENCY} concurrent sellers for ${FLOW_SECONDS} s):`,
    );
    console.log(
      `  seller callbacks: ${f.callbacksPerS.toFixed(1)}/s (${f.flows} completed flows, ${f.failedFlows} not 303)`,
    );
    console.log(
      `  token requests (cached token, ${TOKEN_CONNECTIONS} connections, ${TOKEN_SECONDS} s): ${Math.round(f.tokensPerS)}/s, p99 ${f.tokenP99} ms`,
    );
    for (const [label, w] of [
      ["one seller at a time", f.quietWindow],
      [`${FLOW_CONCURRENCY} concurrent sellers`, f.window],
    ] as const) {
      console.log(
        `  key only in memory (Noon's answer → seal committed), ${label}, ${w.n} callbacks: p50 ${w.p50.toFixed(2)} ms, p99 ${w.p99.toFixed(2)} ms, max ${w.max.toFixed(2)} ms`,
      );
    }
  }
  const [one, three] = results;
  if (one && three) {
    console.log(
      `Ratio 3 instances / 1: callbacks ${(three.callbacksPerS / one.callbacksPerS).toFixed(2)}×, token requests ${(three.tokensPerS / one.tokensPerS).toFixed(2)}×`,
    );
  }
  console.log(
    `Machine: ${os.cpus().length} cores shared by every process above (instances, worker, PostgreSQL, simulators, load generator); 1-min load average ${os.loadavg()[0]?.toFixed(1)}. On one machine the instances compete for the same cores, so the ratio shows the overhead of coordination more than the gain of more machines.`,
  );
}
