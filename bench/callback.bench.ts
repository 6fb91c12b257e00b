// GET /api/noon/callback against the Noon quickstart's own Express sample (bench/fixtures), both on the same
// Noon simulator: each seller connects and approves on the simulator's consent page beforehand (not timed);
// then only the callbacks are timed, one at a time and at 10 and 50 concurrent sellers. The app does what the
// sample skips (state checked against the seller's session and the database, timeline, the key into the
// secret store). Prints figures and ratios; never fails on a time. Settings: BENCH_CALLBACKS (callbacks per
// concurrent phase, default 150), BENCH_ROUNDS, BENCH_SKIP_BUILD=1 (see token.bench.ts), BENCH_SECRETS=aws
// (the app stores keys in the Secrets Manager simulator, as in production; default: the local store),
// BENCH_CPU_PROF=1 (the app's CPU profile during the timed callbacks only, not the preparation).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { benchSecrets, buildForBench, prepareBenchApp } from "./support/app-env";
import { fmt, load, machineLoad, ratio, table, type LoadResult } from "./support/load";
import { cpuMeter, postmasterPid } from "./support/cpu";
import { summarizeProfiles } from "./support/profile";
import {
  appDriver,
  profilePhase,
  quickstartEnv,
  ROOT,
  startExpressSample,
  startNext,
  type Running,
} from "./support/servers";

const PER_PHASE = Number(process.env.BENCH_CALLBACKS ?? 150);
const SEQUENTIAL = Math.max(20, Math.round(PER_PHASE / 4));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const PREP_CONCURRENCY = 8;

const say = (line: string) => console.log(line);

interface PreparedCallback {
  path: string;
  cookie: string;
}

const cookiePair = (res: Response, name: string) => {
  const line = res.headers
    .getSetCookie()
    .find((c) => c.startsWith(`${name}=`) || c.includes(`-${name}=`) || c.startsWith(name));
  return line?.split(";", 1)[0] ?? "";
};

/** The seller approves on the simulator's consent page: the code and state Noon sends back. */
async function approve(authorizeLocation: string, noonUrl: string): Promise<URLSearchParams> {
  const page = await fetch(authorizeLocation);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const projectCode = /name="project_code" value="([^"]+)"/.exec(html)?.[1];
  if (!requestId || !projectCode) throw new Error(`the consent page answered ${page.status} without its form`);
  const decision = await fetch(`${noonUrl}/authorize/decision`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_id: requestId, project_code: projectCode, decision: "approve" }),
    redirect: "manual",
  });
  const back = new URL(decision.headers.get("location") ?? "");
  return back.searchParams;
}

async function inParallel<T>(n: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PREP_CONCURRENCY, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

/** Sellers of the app: onboarding link → Connect (POST /api/noon/connect) → approve on the simulator. */
async function prepareApp(
  app: { url: string; env: NodeJS.ProcessEnv; noonUrl: string },
  n: number,
): Promise<PreparedCallback[]> {
  const { links } = await appDriver<{ links: string[] }>(["sellers", String(n)], app.env);
  return inParallel(n, async (i) => {
    const res = await fetch(`${app.url}/api/noon/connect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url },
      body: new URLSearchParams({ link: links[i] ?? "" }),
      redirect: "manual",
    });
    const location = res.headers.get("location");
    if (res.status !== 303 || !location) throw new Error(`connect answered ${res.status}`);
    const back = await approve(location, app.noonUrl);
    return { path: `/api/noon/callback?${back.toString()}`, cookie: cookiePair(res, "seller-session") };
  });
}

/** Sellers of the Express sample: GET /connect-seller → approve on the simulator. */
async function prepareExpress(url: string, noonUrl: string, n: number): Promise<PreparedCallback[]> {
  return inParallel(n, async () => {
    const res = await fetch(`${url}/connect-seller`, { redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status !== 302 || !location) throw new Error(`/connect-seller answered ${res.status}`);
    const back = await approve(location, noonUrl);
    return { path: `/oauth/callback?${back.toString()}`, cookie: cookiePair(res, "connect.sid") };
  });
}

/** Sellers of the bare Next.js floor (bench/bare-next/lib/quickstart.js): GET /api/connect-seller → approve. */
async function prepareFloor(url: string, noonUrl: string, n: number): Promise<PreparedCallback[]> {
  return inParallel(n, async () => {
    const res = await fetch(`${url}/api/connect-seller`, { redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status !== 302 || !location) throw new Error(`/api/connect-seller answered ${res.status}`);
    const back = await approve(location, noonUrl);
    return { path: `/api/oauth/callback?${back.toString()}`, cookie: cookiePair(res, "sid") };
  });
}

/** Sends the prepared callbacks, `connections` at a time. */
function fire(url: string, prepared: PreparedCallback[], connections: number): Promise<LoadResult> {
  const queue = [...prepared];
  return load({
    url,
    connections: Math.min(connections, prepared.length),
    amount: prepared.length,
    redirectsAreOk: true,
    requests: [
      {
        method: "GET",
        setupRequest: (req) => {
          const next = queue.shift();
          return { ...req, path: next?.path ?? "/missing", headers: { cookie: next?.cookie ?? "" } };
        },
      },
    ],
  });
}

/** "app 14.2 + PostgreSQL 3.1 + … = 19.0" per callback; a process /proc could not read shows as "?". */
function perCallback(used: Record<string, number | null>, n: number, order: string[]): string {
  const parts = order.map((k) => [k, used[k]] as const);
  const total = parts.reduce((sum, [, v]) => sum + (v ?? 0), 0);
  return `${parts.map(([k, v]) => `${k} ${v === null || v === undefined ? "?" : fmt(v / n, 1)}`).join(" + ")} = ${fmt(total / n, 1)}`;
}

/**
 * The app's critical path: the p50 of each step (`stepsMs` of the "noon authorization finished" log lines,
 * lib/noon/callback.ts) of the callbacks that finished between `from` and `to`, and of their sum.
 */
function criticalPath(logFile: string | undefined, from: number, to: number): string {
  if (!logFile || !existsSync(logFile)) return "(no log file)";
  const steps = new Map<string, number[]>();
  const totals: number[] = [];
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (!line.includes("noon authorization finished")) continue;
    const entry = JSON.parse(line) as { stepsMs?: Record<string, number>; time?: string | number };
    const at = entry.time === undefined ? NaN : new Date(entry.time).getTime();
    if (!entry.stepsMs || !(at >= from && at <= to)) continue;
    for (const [step, ms] of Object.entries(entry.stepsMs)) steps.set(step, [...(steps.get(step) ?? []), ms]);
    totals.push(Object.values(entry.stepsMs).reduce((a, b) => a + b, 0));
  }
  const p50 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)] ?? NaN;
  return `${[...steps].map(([step, v]) => `${step} ${fmt(p50(v), 2)}`).join(" → ")}; the handler ${fmt(p50(totals), 2)} (${totals.length} callbacks)`;
}

const fig = (r: LoadResult) =>
  `${fmt(r.rps, 1)}/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms${r.non2xx || r.errors ? ` (failed ${r.non2xx}, errors ${r.errors})` : ""}`;

export async function run(): Promise<void> {
  await buildForBench(say);
  const app = await prepareBenchApp();
  const profileDir =
    process.env.BENCH_CPU_PROF === "1"
      ? path.join(ROOT, "bench/results", `profile-callback-${new Date().toISOString().replace(/[:.]/g, "-")}`)
      : undefined;
  const servers: Running[] = [];
  try {
    const appServer = await startNext({
      dir: ROOT,
      // Every seller connects from this one address: the seller routes' limits (lib/rate-limit) are raised far
      // above the run, so the figures are the callback's own cost; each check still runs.
      env: {
        ...app.env,
        RATE_LIMITS: [
          "onboarding-link-per-address",
          "onboarding-link-per-link",
          "noon-connect-per-address",
          "noon-connect-per-seller",
          "noon-callback-rejections-per-address",
        ]
          .map((name) => `${name}=1000000000/600`)
          .join(","),
      },
      port: app.port,
      probePath: "/api/health",
      ...(profileDir ? { phaseProfileDir: profileDir } : {}),
    });
    servers.push(appServer);
    const sample = await startExpressSample(app.sims.noon);
    servers.push(sample);
    // The floor: the sample's own work as bare Next.js route handlers (bench/bare-next), what the framework
    // alone costs before anything of ours runs.
    const floor = await startNext({
      dir: path.join(ROOT, "bench/bare-next"),
      env: { ...process.env, NODE_ENV: "production", ...quickstartEnv(app.sims.noon) },
      probePath: "/api/constant",
    });
    servers.push(floor);
    const appCtx = { url: appServer.url, env: app.env, noonUrl: app.sims.noon.url };
    // CPU time per callback of every process involved, measured over the same timed phases (bench/support/cpu.ts).
    const pgPid = await postmasterPid(app.env.DATABASE_URL ?? "");
    const appCpu = cpuMeter({ app: appServer.child.pid, PostgreSQL: pgPid, simulators: app.simulatorsPid });
    const sampleCpu = cpuMeter({ sample: sample.child.pid, simulators: app.simulatorsPid });
    const floorCpu = cpuMeter({ "bare Next": floor.child.pid, simulators: app.simulatorsPid });
    const phases: { label: string; n: number; connections: number }[] = [
      { label: "one at a time", n: SEQUENTIAL, connections: 1 },
      { label: "10 concurrent sellers", n: PER_PHASE, connections: 10 },
      { label: "50 concurrent sellers", n: PER_PHASE, connections: 50 },
    ];
    // Warm-up: the first callback of each logs in to Noon and loads its code paths.
    await fire(appServer.url, await prepareApp(appCtx, 5), 1);
    await fire(sample.url, await prepareExpress(sample.url, app.sims.noon.url, 5), 1);
    await fire(floor.url, await prepareFloor(floor.url, app.sims.noon.url, 5), 1);

    for (let round = 0; round < ROUNDS; round++) {
      say(
        `\nRound ${round + 1} of ${ROUNDS} (${machineLoad()}; secret store: ${benchSecrets()}); preparing ${phases.reduce((n, p) => n + p.n, 0)} sellers for each ...`,
      );
      const rows: string[][] = [];
      const cpuRows: string[][] = [];
      let sequential = { from: 0, to: 0 };
      for (const phase of phases) {
        const appCallbacks = await prepareApp(appCtx, phase.n);
        const sampleCallbacks = await prepareExpress(sample.url, app.sims.noon.url, phase.n);
        const floorCallbacks = await prepareFloor(floor.url, app.sims.noon.url, phase.n);
        const before = await appDriver<Record<string, number>>(["outcomes"], app.env);
        if (profileDir) await profilePhase(appServer, "started");
        const appMeter = appCpu();
        const from = Date.now();
        const ours = await fire(appServer.url, appCallbacks, phase.connections);
        const appUsed = appMeter();
        if (phase.connections === 1) sequential = { from, to: Date.now() };
        if (profileDir) await profilePhase(appServer, "written");
        const after = await appDriver<Record<string, number>>(["outcomes"], app.env);
        const sampleMeter = sampleCpu();
        const theirs = await fire(sample.url, sampleCallbacks, phase.connections);
        const sampleUsed = sampleMeter();
        const floorMeter = floorCpu();
        const bare = await fire(floor.url, floorCallbacks, phase.connections);
        const floorUsed = floorMeter();
        cpuRows.push([
          phase.label,
          perCallback(appUsed, phase.n, ["app", "PostgreSQL", "simulators", "load generator"]),
          perCallback(sampleUsed, phase.n, ["sample", "simulators", "load generator"]),
          perCallback(floorUsed, phase.n, ["bare Next", "simulators", "load generator"]),
        ]);
        const completed = (after.COMPLETED ?? 0) - (before.COMPLETED ?? 0);
        rows.push([
          `Noon callback, ${phase.label}`,
          `${fig(ours)}; ${completed}/${phase.n} completed`,
          fig(theirs),
          fig(bare),
          phase.connections === 1
            ? `p50 ${ratio(ours.p50, theirs.p50)} the sample's; floor ${ratio(bare.p50, theirs.p50)}; app ${ratio(ours.p50, bare.p50)} the floor`
            : `${ratio(ours.rps, theirs.rps)} the sample's rate; floor ${ratio(bare.rps, theirs.rps)}; app ${ratio(ours.rps, bare.rps)} the floor`,
        ]);
        say(`  ${phase.label} measured (${machineLoad()})`);
      }
      say("");
      say(
        table(
          ["what", "app (next start)", "quickstart Express sample", "floor: the sample in bare Next.js", "ratio"],
          rows,
        ),
      );
      say("");
      say("CPU time per callback (ms; each process's own, from /proc, so a busy machine does not inflate it):");
      say(table(["phase", "app side", "sample side", "floor side"], cpuRows));
      say("");
      // Read once the phases are over: the log is written asynchronously.
      say(
        `The app's critical path, one at a time (p50 of each step in ms, from its log; lib/noon/README.md): ${criticalPath(app.env.LOG_FILE, sequential.from, sequential.to)}`,
      );
    }
    say(`\nMachine: ${machineLoad()}.`);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    await app.stop();
  }
  if (profileDir) for (const line of summarizeProfiles(profileDir)) say(line);
}
