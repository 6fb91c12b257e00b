// Processes a benchmark starts: the simulators, the app under `next start`, the bare Next.js app, a bare
// node:http server, the quickstart's Express sample, and the app-context driver. Each is stopped by its
// own handle (SIGTERM to that child only).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { freePort } from "../../scripts/lib/embedded-pg";

export const ROOT = process.cwd();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Running {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): { output: () => string; stop: () => Promise<void> } {
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Runs a command to the end (inherits nothing from stdin); rejects with its last output on failure. */
export function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    const t = track(child);
    child.on("exit", (code) =>
      code === 0
        ? resolve(t.output())
        : reject(new Error(`${path.basename(command)} ${args[0] ?? ""} exited ${code}: ${t.output().slice(-1500)}`)),
    );
  });
}

/** The app-context driver (bench/support/app-driver.ts): its last output line as JSON. */
export async function appDriver<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const out = await runToEnd(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "bench/support/app-driver.ts"), ...args],
    env,
  );
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as T;
}

export interface SimulatorInfo {
  noon: {
    url: string;
    authorizeUrl: string;
    clientId: string;
    clientSecret: string;
    integratorKey: Record<string, string>;
  };
  noyo: { url: string; tokenUrl: string; clientId: string; clientSecret: string };
  /** The Secrets Manager simulator, with BENCH_SECRETS=aws. */
  aws?: { url: string };
}

export async function startSimulators(
  redirectUri: string,
): Promise<SimulatorInfo & { pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "bench/support/simulators-process.ts"), redirectUri],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const t = track(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const line = t
      .output()
      .split("\n")
      .find((l) => l.startsWith("{"));
    if (line)
      return {
        ...(JSON.parse(line) as SimulatorInfo),
        pid: child.pid,
        stop: async () => (child.stdin?.end(), t.stop()),
      };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`simulators did not start: ${t.output().slice(-1500)}`);
    await sleep(100);
  }
}

/** Waits until `probe` answers true (the server is up) or the child exits. */
async function waitUntil(
  child: ChildProcess,
  output: () => string,
  what: string,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${what} did not come up: ${output().slice(-1500)}`);
    await sleep(200);
  }
}

/**
 * `next start` of `dir` (the app, or bench/bare-next) on a free port. With `cpuProfileDir` the server
 * writes a V8 CPU profile there when it stops; with `phaseProfileDir` it profiles only between two calls of
 * `profilePhase` (bench/support/profile-on-signal.mjs).
 */
export async function startNext(opts: {
  dir: string;
  env: NodeJS.ProcessEnv;
  probePath: string;
  port?: number;
  cpuProfileDir?: string;
  phaseProfileDir?: string;
}): Promise<Running> {
  const port = opts.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  // --cpu-prof is refused in NODE_OPTIONS, so it goes on the command line.
  const profile = opts.cpuProfileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${opts.cpuProfileDir}`]
    : opts.phaseProfileDir
      ? ["--import", pathToFileURL(path.join(ROOT, "bench/support/profile-on-signal.mjs")).href]
      : [];
  if (opts.cpuProfileDir) mkdirSync(opts.cpuProfileDir, { recursive: true });
  // Spawned directly: `npx next` leaves an orphaned server when the wrapper is killed.
  const child = spawn(
    process.execPath,
    [...profile, path.join(ROOT, "node_modules/next/dist/bin/next"), "start", opts.dir, "--port", String(port)],
    {
      env: {
        ...opts.env,
        PORT: String(port),
        ...(opts.phaseProfileDir ? { BENCH_PROFILE_DIR: opts.phaseProfileDir } : {}),
      },
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const t = track(child);
  await waitUntil(
    child,
    t.output,
    `next start ${path.relative(ROOT, opts.dir) || "."}`,
    async () => (await fetch(`${url}${opts.probePath}`)).status < 500,
  );
  return { url, child, ...t };
}

/**
 * Starts ("start") or stops and writes ("written") the CPU profile of a server started with `phaseProfileDir`,
 * waiting for the server to say it did.
 */
export function profilePhase(server: Running, step: "started" | "written"): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => done(new Error(`the CPU profile was not ${step} within 60 s`)), 60_000);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(`bench-profile: ${step}`)) done();
      else if (seen.includes("bench-profile: failed")) done(new Error(seen.slice(seen.indexOf("bench-profile"))));
    };
    const done = (error?: Error) => {
      clearTimeout(timer);
      server.child.stdout?.off("data", onData);
      if (error) reject(error);
      else resolve();
    };
    server.child.stdout?.on("data", onData);
    server.child.kill("SIGUSR2");
  });
}

/** `next build` of `dir` unless a build is already there (`force` rebuilds). */
export async function buildNext(dir: string, env: NodeJS.ProcessEnv, force: boolean): Promise<"built" | "reused"> {
  if (!force && existsSync(path.join(dir, ".next", "BUILD_ID"))) return "reused";
  await runToEnd(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build", dir], {
    ...env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  });
  return "built";
}

/** A bare node:http server answering the same constant JSON as the bare Next.js route. */
export async function startBareNode(): Promise<Running> {
  const port = await freePort();
  const source = `require("node:http").createServer((q, s) => { const b = JSON.stringify({ ok: true }); s.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(b), "cache-control": "no-store" }); s.end(b); }).listen(${port}, "127.0.0.1");`;
  const child = spawn(process.execPath, ["-e", source], { stdio: ["ignore", "pipe", "pipe"] });
  const t = track(child);
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(child, t.output, "bare node:http", async () => (await fetch(url)).ok);
  return { url, child, ...t };
}

/** The quickstart's settings, for the Express sample and its bare Next.js twin (bench/bare-next/lib/quickstart.js). */
export const quickstartEnv = (sim: SimulatorInfo["noon"]): Record<string, string> => ({
  NOON_CLIENT_ID: sim.clientId,
  NOON_CLIENT_SECRET: sim.clientSecret,
  NOON_AUTHORIZE_URL: sim.authorizeUrl,
  NOON_API_URL: sim.url,
  NOON_INTEGRATOR_KEY: JSON.stringify(sim.integratorKey),
});

/** The Noon quickstart's Express sample (bench/fixtures/noon-quickstart-express.mjs) against the simulator. */
export async function startExpressSample(sim: SimulatorInfo["noon"]): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, "bench/fixtures/noon-quickstart-express.mjs")], {
    env: {
      ...process.env,
      PORT: String(port),
      ...quickstartEnv(sim),
    },
    // Its console.log lines go nowhere, as they would to a log collector; errors are kept.
    stdio: ["ignore", "ignore", "pipe"],
  });
  const t = track(child);
  const url = `http://localhost:${port}`;
  await waitUntil(
    child,
    t.output,
    "the Express sample",
    async () => (await fetch(`${url}/connect-seller`, { redirect: "manual" })).status === 302,
  );
  return { url, child, ...t };
}
