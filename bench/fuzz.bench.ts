// `npm run bench -- fuzz`: the longer fuzz run of tests/fuzz/fuzz.ts (BENCH_FUZZ_RUNS cases per target and
// caller, default 60; FUZZ_SEED=n or a list 1,2,3) against `next start` on a fresh database with the simulators. Prints the cases per
// target, the rate, and every problem found (a 5xx, an unescaped echo, a write by a refused request).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../scripts/lib/embedded-pg";
import { startLocalStack } from "../scripts/lib/stack";
import { actionIdsFromManifest, runFuzz } from "../tests/fuzz/fuzz";

/** Signs the admin in through next-auth's credentials endpoint; returns the Cookie header of the session. */
async function signIn(appUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await fetch(`${appUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${appUrl}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: "/admin" }),
    redirect: "manual",
  });
  keep(res);
  if (res.status !== 302 || (res.headers.get("location") ?? "").includes("error="))
    throw new Error(`admin sign-in failed (HTTP ${res.status})`);
  return header();
}

export async function run(): Promise<void> {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    console.log("Fuzz: needs a production build in .next/ (run `npm run build` first).");
    return;
  }
  const runs = Number(process.env.BENCH_FUZZ_RUNS ?? 60);
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  const stack = await startLocalStack({
    mode: "test",
    appUrl,
    env: { NODE_ENV: "test" },
    simulators: true,
    log: () => undefined,
  });
  const adminPassword = randomBytes(18).toString("base64url");
  const server = spawn("node_modules/.bin/next", ["start", "--port", String(appPort)], {
    env: {
      ...process.env,
      ...stack.env,
      NODE_ENV: "production",
      APP_URL: appUrl,
      AUTH_URL: appUrl,
      AUTH_TRUST_HOST: "true",
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
      ADMIN_EMAIL: "bench-admin@localhost.test",
      ADMIN_PASSWORD: adminPassword,
      SECRETS_BACKEND: "local",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr.on("data", (d: Buffer) => (output += d.toString()));
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await fetch(`${appUrl}/api/health`).catch(() => null);
      if (res?.status === 200) break;
      if (server.exitCode !== null || Date.now() > deadline)
        throw new Error(`the server did not come up: ${output.slice(-800)}`);
      await sleep(250);
    }
    const cookie = await signIn(appUrl, "bench-admin@localhost.test", adminPassword);
    const manifest = JSON.parse(
      readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8"),
    ) as Parameters<typeof actionIdsFromManifest>[0];
    // FUZZ_SEED=1,2,3 runs each seed in turn against the same server; unset, one random seed.
    const seeds = process.env.FUZZ_SEED ? process.env.FUZZ_SEED.split(",").map(Number) : [undefined];
    const report: Awaited<ReturnType<typeof runFuzz>> = { cases: {}, problems: [] };
    const started = performance.now();
    for (const seed of seeds) {
      const one = await runFuzz({
        baseUrl: appUrl,
        databaseUrl: stack.databaseUrl,
        actionIds: actionIdsFromManifest(manifest),
        cookies: { admin: cookie },
        runs,
        ...(seed !== undefined ? { seed } : {}),
      });
      const total = Object.values(one.cases).reduce((a, b) => a + b, 0);
      console.log(`  seed ${seed ?? "random"}: ${total} cases, ${one.problems.length} problems`);
      for (const [target, n] of Object.entries(one.cases)) report.cases[target] = (report.cases[target] ?? 0) + n;
      report.problems.push(...one.problems);
    }
    const seconds = (performance.now() - started) / 1000;
    const total = Object.values(report.cases).reduce((a, b) => a + b, 0);
    console.log(
      `Fuzz (next start, ${runs} cases per target and caller; anonymous and admin; seeds ${seeds.join(",") || "random"}): ${total} cases over ${Object.keys(report.cases).length} targets in ${seconds.toFixed(0)} s (${(total / seconds).toFixed(1)} cases/s)`,
    );
    for (const [target, n] of Object.entries(report.cases)) console.log(`  ${String(n).padStart(6)}  ${target}`);
    console.log(`  problems: ${report.problems.length}`);
    for (const p of report.problems.slice(0, 50))
      console.log(`  - ${p.target} as ${p.caller}: ${p.problem}\n      ${p.request}`);
    if (report.problems.length) process.exitCode = 1;
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await stack.stop();
  }
}
