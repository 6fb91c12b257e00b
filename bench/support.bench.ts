// The support view at scale: seeds its own embedded PostgreSQL with N requests (default 200,000;
// BENCH_SUPPORT_REQUESTS=1000000 or `npm run bench -- support --requests 1000000`) and measures the
// server round trip (loopback, one connection, warm) of the list, each filter, each search and the
// counts, through the same code the pages run (lib/support/core.ts over a pg pool). Prints p50/p95/max;
// never fails on a time. Target from the issue: p95 ≤ 100 ms at 1,000,000 requests.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { startEmbeddedPostgres, tempDataDir } from "../scripts/lib/embedded-pg";
import { applyMigrations } from "../scripts/lib/schema-engine";
import { parseCount, seedLarge } from "../scripts/seed-large";
import {
  countAuthorizationsByStatusWith,
  countNewerAuthorizationsWith,
  listAuthorizationsWith,
  resolveSearchWith,
  type Exec,
} from "../lib/support/core";
import { AUTHORIZATION_STATUSES, type ListOptions } from "../lib/support/sql";

const ITERATIONS = Number(process.env.BENCH_SUPPORT_ITERATIONS ?? 60);
const WARMUP = 5;

function requestedSize(): number {
  const i = process.argv.indexOf("--requests");
  const fromArg = i >= 0 ? process.argv[i + 1] : undefined;
  return parseCount(fromArg ?? process.env.BENCH_SUPPORT_REQUESTS, 200_000, "BENCH_SUPPORT_REQUESTS");
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, idx)] ?? NaN;
}

interface Figure {
  name: string;
  p50: number;
  p95: number;
  max: number;
  note: string;
}

export async function run(): Promise<void> {
  // BENCH_SUPPORT_DATABASE_URL: measure an already seeded database (e.g. after `npm run db:seed:large`).
  const existing = process.env.BENCH_SUPPORT_DATABASE_URL;
  const requests = existing ? 0 : requestedSize();
  const pgServer = existing
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: await tempDataDir(),
        port: 0,
        persistent: false,
        database: "bench_support",
      });
  const connectionString = existing ?? pgServer?.connectionString ?? "";
  const pool = new pg.Pool({ connectionString, max: 2 });
  try {
    if (pgServer) {
      await applyMigrations(connectionString);
      console.log(`Seeding ${requests.toLocaleString("en")} requests (npm run db:seed:large's SQL)…`);
      const client = await pool.connect();
      try {
        const seeded = await seedLarge(client, { requests, log: () => undefined });
        console.log(
          `  ${seeded.sellers.toLocaleString("en")} sellers, ${seeded.requests.toLocaleString("en")} requests, ` +
            `${seeded.events.toLocaleString("en")} events in ${(seeded.ms / 1000).toFixed(1)} s`,
        );
      } finally {
        client.release();
      }
    }
    const size = Number(
      (
        await pool.query<{ n: string }>(
          "SELECT reltuples::bigint::text AS n FROM pg_class WHERE oid = 'noon_authorizations'::regclass",
        )
      ).rows[0]?.n ?? 0,
    );

    const exec: Exec = async <T>(q: { text: string; values: unknown[] }) =>
      (await pool.query(q.text, q.values)).rows as T[];
    const sample = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => (await pool.query<T>(sql)).rows;
    // Realistic inputs, different on every iteration (no single hot row).
    const refs = await sample<{
      reference: string;
      oauth_request_id: string | null;
      project_code: string | null;
      seller_id: string;
    }>(
      `SELECT reference, oauth_request_id, project_code, seller_id FROM noon_authorizations TABLESAMPLE SYSTEM (1) WHERE oauth_request_id IS NOT NULL LIMIT 500`,
    );
    const sellers = await sample<{ name: string; email: string | null }>(
      `SELECT name, email FROM sellers TABLESAMPLE SYSTEM (2) WHERE email IS NOT NULL LIMIT 500`,
    );
    const pickRef = (i: number) => refs[i % refs.length];
    const pickSeller = (i: number) => sellers[i % sellers.length];
    const lastNames = ["Khan", "Haddad", "Patel", "Al Mansoori", "Chen", "Rahman"];
    const trades = ["Toys", "Electronics", "Perfumes", "Auto Parts"];
    const now = Date.now();
    const day = 86_400_000;

    const base: ListOptions = { sort: "newest", limit: 50 };
    // A cursor deep in the table: page 200 of the unfiltered list.
    let deepCursor: string | undefined;
    {
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const res = await listAuthorizationsWith(exec, { ...base, cursor });
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      deepCursor = cursor;
    }
    const firstPage = await listAuthorizationsWith(exec, base);
    const marker = firstPage.items[5];

    const scenarios: { name: string; note?: string; fn: (i: number) => Promise<unknown> }[] = [
      { name: "list: newest, first page", fn: () => listAuthorizationsWith(exec, base) },
      { name: "list: oldest, first page", fn: () => listAuthorizationsWith(exec, { ...base, sort: "oldest" }) },
      {
        name: "list: page 200 (keyset cursor)",
        fn: () => listAuthorizationsWith(exec, { ...base, cursor: deepCursor }),
      },
      ...AUTHORIZATION_STATUSES.map((status) => ({
        name: `filter: status ${status.toLowerCase()}`,
        fn: () => listAuthorizationsWith(exec, { ...base, status }),
      })),
      {
        name: "filter: last 7 days",
        fn: () => listAuthorizationsWith(exec, { ...base, from: new Date(now - 7 * day), to: new Date(now) }),
      },
      {
        name: "filter: a past month, failed",
        fn: (i) =>
          listAuthorizationsWith(exec, {
            ...base,
            status: "FAILED",
            from: new Date(now - (60 + (i % 200)) * day),
            to: new Date(now - (30 + (i % 200)) * day),
          }),
      },
      {
        name: "filter: one seller",
        fn: (i) => listAuthorizationsWith(exec, { ...base, sellerId: pickRef(i)?.seller_id }),
      },
      { name: "search: reference", fn: (i) => listAuthorizationsWith(exec, { ...base, q: pickRef(i)?.reference }) },
      {
        name: "search: oauth_request_id",
        fn: (i) => listAuthorizationsWith(exec, { ...base, q: pickRef(i)?.oauth_request_id ?? "" }),
      },
      {
        name: "search: project code",
        note: "probe + list",
        fn: (i) => listAuthorizationsWith(exec, { ...base, q: pickRef(i)?.project_code ?? "" }),
      },
      {
        name: "search: seller e-mail (exact)",
        fn: (i) => listAuthorizationsWith(exec, { ...base, q: pickSeller(i)?.email ?? "" }),
      },
      {
        name: "search: seller full name",
        note: "narrow: few sellers",
        fn: (i) => listAuthorizationsWith(exec, { ...base, q: pickSeller(i)?.name }),
      },
      {
        name: 'search: part of a name ("Khan Toys")',
        fn: (i) =>
          listAuthorizationsWith(exec, {
            ...base,
            q: `${lastNames[i % lastNames.length]} ${trades[i % trades.length]}`,
          }),
      },
      {
        name: 'search: common last name ("Khan")',
        note: "broad: thousands of sellers",
        fn: (i) => listAuthorizationsWith(exec, { ...base, q: lastNames[i % lastNames.length] }),
      },
      {
        name: "search: 2-letter prefix",
        note: "broad",
        fn: (i) => listAuthorizationsWith(exec, { ...base, q: ["ah", "sa", "ka", "li"][i % 4] }),
      },
      { name: "search: no match", fn: (i) => listAuthorizationsWith(exec, { ...base, q: `zq${i}xv qq` }) },
      {
        name: 'search + status: "Khan", failed',
        fn: () => listAuthorizationsWith(exec, { ...base, q: "Khan", status: "FAILED" }),
      },
      { name: "counts: unfiltered", note: "bounded + estimates", fn: () => countAuthorizationsByStatusWith(exec, {}) },
      {
        name: "counts: last 30 days",
        fn: () => countAuthorizationsByStatusWith(exec, { from: new Date(now - 30 * day) }),
      },
      {
        name: "counts: one seller",
        fn: (i) => countAuthorizationsByStatusWith(exec, { sellerId: pickRef(i)?.seller_id }),
      },
      {
        name: 'counts: search "Khan Toys"',
        fn: (i) =>
          countAuthorizationsByStatusWith(exec, {
            q: `${lastNames[i % lastNames.length]} ${trades[i % trades.length]}`,
          }),
      },
      {
        name: "poll: new requests since marker",
        fn: () =>
          marker
            ? countNewerAuthorizationsWith(exec, {
                filters: {},
                sinceCursor: `a.${marker.createdAt.getTime()}.${marker.id}`,
              })
            : Promise.resolve(0),
      },
      {
        name: "page view: search + list + counts",
        note: "what /admin/requests?q=… runs",
        fn: async (i) => {
          const search = await resolveSearchWith(exec, pickSeller(i)?.name);
          await listAuthorizationsWith(exec, { ...base, q: pickSeller(i)?.name, resolvedSearch: search });
          await countAuthorizationsByStatusWith(exec, { q: pickSeller(i)?.name, resolvedSearch: search });
        },
      },
      {
        name: "page view: unfiltered list + counts",
        fn: async () => {
          await listAuthorizationsWith(exec, base);
          await countAuthorizationsByStatusWith(exec, {});
        },
      },
    ];

    const figures: Figure[] = [];
    for (const s of scenarios) {
      for (let i = 0; i < WARMUP; i++) await s.fn(i + 1000);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const t0 = performance.now();
        await s.fn(i);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      figures.push({
        name: s.name,
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        max: times[times.length - 1] ?? NaN,
        note: s.note ?? "",
      });
    }

    const width = Math.max(...figures.map((f) => f.name.length));
    console.log(
      `\nSupport view at ~${size.toLocaleString("en")} requests — ms per call (${ITERATIONS} runs each, after ${WARMUP} warm-up):`,
    );
    console.log(`${"".padEnd(width)}    p50     p95     max`);
    for (const f of figures) {
      const flag = f.p95 > 100 ? "  ← over 100 ms" : "";
      console.log(
        `${f.name.padEnd(width)} ${f.p50.toFixed(1).padStart(6)}  ${f.p95.toFixed(1).padStart(6)}  ${f.max.toFixed(1).padStart(6)}  ${f.note}${flag}`,
      );
    }
    const worst = figures.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    console.log(`Worst p95: ${worst.p95.toFixed(1)} ms (${worst.name}).`);
  } finally {
    await pool.end().catch(() => undefined);
    await pgServer?.stop();
  }
}
