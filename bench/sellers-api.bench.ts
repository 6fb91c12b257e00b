// The read API at scale: seeds its own embedded PostgreSQL (default 100,000 requests over 25,000
// sellers; BENCH_SELLERS_API_REQUESTS to change) and measures, through the same domain functions the
// routes call (in a child process with the react-server condition), a full sync of GET /api/v1/sellers
// (pages of 200), one seller, a lookup by externalId, a page with updatedSince, and a caught-up poll.
// Then the price of the change feed on writes: one authorization update with and without the trigger
// that stamps the seller. Prints p50/p95/max; never fails on a time.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { startEmbeddedPostgres, tempDataDir } from "../scripts/lib/embedded-pg";
import { applyMigrations } from "../scripts/lib/schema-engine";
import { parseCount, seedLarge } from "../scripts/seed-large";

interface Figures {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (name: string, f: Figures, note = "") =>
  console.log(
    `  ${name.padEnd(44)} p50 ${ms(f.p50).padStart(9)}  p95 ${ms(f.p95).padStart(9)}  max ${ms(f.max).padStart(9)}  (n=${f.n})${note ? `  ${note}` : ""}`,
  );

function runDriver(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", path.join(process.cwd(), "bench/sellers-api-driver.ts")],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) =>
      code === 0
        ? resolve(out.trim().split("\n").at(-1) ?? "")
        : reject(new Error(`driver exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}

async function updateLatency(pool: pg.Pool, ids: string[]): Promise<Figures> {
  const times: number[] = [];
  for (const id of ids) {
    const t = performance.now();
    await pool.query(`UPDATE noon_authorizations SET updated_at = now() WHERE id = $1`, [id]);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.max(0, Math.ceil((p / 100) * times.length) - 1)] ?? NaN;
  return { n: times.length, p50: at(50), p95: at(95), max: times.at(-1) ?? NaN };
}

export async function run(): Promise<void> {
  const requests = parseCount(process.env.BENCH_SELLERS_API_REQUESTS, 100_000, "BENCH_SELLERS_API_REQUESTS");
  const server = await startEmbeddedPostgres({
    dataDir: await tempDataDir(),
    port: 0,
    persistent: false,
    database: "bench_sellers_api",
  });
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 2 });
  try {
    await applyMigrations(server.connectionString);
    const client = await pool.connect();
    try {
      const seeded = await seedLarge(client, { requests, log: () => undefined });
      console.log(
        `Seeded ${seeded.sellers.toLocaleString("en")} sellers, ${seeded.requests.toLocaleString("en")} requests in ${(seeded.ms / 1000).toFixed(1)} s`,
      );
    } finally {
      client.release();
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: server.connectionString,
      APP_URL: "http://localhost:3999",
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      SECRETS_LOCAL_KEY: randomBytes(32).toString("base64"),
      SECRETS_BACKEND: "local",
      JOBS_IN_PROCESS: "0",
      LOG_LEVEL: "warn",
      LOG_FILE: path.join(os.tmpdir(), `bench-sellers-api-${process.pid}.log`),
    };
    const r = JSON.parse(await runDriver(env)) as {
      sellers: number;
      syncMs: number;
      page200: Figures;
      one: Figures;
      byExternalId: Figures;
      recent: Figures & { rows: number };
      caughtUp: Figures;
    };
    console.log(
      `Full sync: ${r.sellers.toLocaleString("en")} sellers in ${(r.syncMs / 1000).toFixed(2)} s (${Math.round(r.sellers / (r.syncMs / 1000)).toLocaleString("en")} sellers/s)`,
    );
    line("GET /api/v1/sellers?limit=200 (one page)", r.page200);
    line("GET /api/v1/sellers/{id}", r.one);
    line("GET /api/v1/sellers?externalId=…", r.byExternalId);
    line("GET /api/v1/sellers?updatedSince=(1 h ago)", r.recent, `${r.recent.rows} rows`);
    line("GET /api/v1/sellers?cursor=(caught up)", r.caughtUp);

    const ids = (
      await pool.query<{ id: string }>(`SELECT id FROM noon_authorizations TABLESAMPLE SYSTEM (1) LIMIT 400`)
    ).rows.map((row) => row.id);
    const withTrigger = await updateLatency(pool, ids);
    await pool.query(`ALTER TABLE noon_authorizations DISABLE TRIGGER noon_authorizations_touch_seller`);
    const without = await updateLatency(pool, ids);
    await pool.query(`ALTER TABLE noon_authorizations ENABLE TRIGGER noon_authorizations_touch_seller`);
    console.log("Price of the change feed on a write (one authorization row updated, autocommit):");
    line("with the seller stamp (trigger)", withTrigger, `×${(withTrigger.p50 / without.p50).toFixed(2)} of without`);
    line("without", without);
  } finally {
    await pool.end();
    await server.stop();
  }
}
