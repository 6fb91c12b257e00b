// The cost of a rate-limit check (lib/rate-limit/: rate-limiter-flexible's PostgreSQL store, one upsert
// per check) against a plain PostgreSQL round trip, on an embedded PostgreSQL over loopback: sequential
// latency (p50, p99), throughput with 50 concurrent callers, and the count two "instances" (two pools)
// reach on one key. Prints figures and ratios; never fails on a time.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { startEmbeddedPostgres, tempDataDir } from "../scripts/lib/embedded-pg";
import { applyMigrations } from "../scripts/lib/schema-engine";
import { createPostgresLimiter } from "../lib/rate-limit/store";

const N = Number(process.env.BENCH_RATE_LIMIT_ITERATIONS ?? 2000);
const unlimited = { points: 1_000_000_000, durationSeconds: 600 };

function percentile(sorted: number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? NaN;
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 50; i++) await fn(-1 - i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const ms = (v: number) => `${v.toFixed(3)} ms`;

export async function run(): Promise<void> {
  const server = await startEmbeddedPostgres({
    dataDir: await tempDataDir(),
    port: 0,
    persistent: false,
    database: "bench_rate_limit",
  });
  const pools: pg.Pool[] = [];
  try {
    await applyMigrations(server.connectionString);
    const pool = new pg.Pool({ connectionString: server.connectionString, max: 4 });
    const other = new pg.Pool({ connectionString: server.connectionString, max: 4 });
    pools.push(pool, other);
    const limiter = createPostgresLimiter(pool, "bench", unlimited, { clearExpired: false });

    const select = await timed(N, () => pool.query("SELECT 1"));
    const sameKey = await timed(N, () => limiter.consume("ip:192.0.2.1"));
    const manyKeys = await timed(N, (i) => limiter.consume(`ip:198.51.100.${i}`));
    console.log(`Sequential, ${N} calls each (loopback, warm):`);
    console.log(`  SELECT 1                        p50 ${ms(select.p50)}, p99 ${ms(select.p99)}`);
    console.log(
      `  consume, one key                p50 ${ms(sameKey.p50)}, p99 ${ms(sameKey.p99)}  (${(sameKey.p50 / select.p50).toFixed(2)}× a round trip)`,
    );
    console.log(
      `  consume, a new key each time    p50 ${ms(manyKeys.p50)}, p99 ${ms(manyKeys.p99)}  (${(manyKeys.p50 / select.p50).toFixed(2)}× a round trip)`,
    );
    console.log(
      `  a normal /api/v1 call checks 3 policies (1 read, 2 upserts): about ${ms(select.p50 + 2 * sameKey.p50)} at p50`,
    );

    // Two "instances" (two pools, two limiter objects) hammer one key: PostgreSQL counts every point.
    const limiterB = createPostgresLimiter(other, "bench", unlimited, { clearExpired: false });
    const callers = 50;
    const perCaller = Math.max(1, Math.floor(N / callers));
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async (_, c) => {
        const l = c % 2 === 0 ? limiter : limiterB;
        for (let i = 0; i < perCaller; i++) await l.consume("shared-key");
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const total = callers * perCaller;
    const counted = (await limiter.get("shared-key"))?.consumedPoints ?? 0;
    console.log(`Concurrent: ${callers} callers on two pools (two instances), one key, ${total} checks:`);
    console.log(
      `  ${Math.round(total / seconds)} checks/s; counted ${counted} of ${total} (${counted === total ? "exact" : "LOST UPDATES"})`,
    );
  } finally {
    for (const p of pools) await p.end().catch(() => undefined);
    await server.stop();
  }
}
