// Server-side steps of bench/sellers-api.bench.ts, run as their own process (the app's modules need the
// react-server condition): measures the read API's domain functions on the seeded database and prints JSON.
import { performance } from "node:perf_hooks";
import { db } from "@/lib/db/client";
import { getSellerForApi, listSellersForApi } from "@/lib/sellers";

const percentile = (sorted: number[], p: number) =>
  sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const figures = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? NaN };
};

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

async function main() {
  // A full sync from the start, 200 a page, as a backend's first run does.
  const pages: number[] = [];
  let cursor: string | undefined;
  let sellers = 0;
  const started = performance.now();
  for (;;) {
    const [page, ms] = await timed(() => listSellersForApi({ limit: 200, ...(cursor ? { cursor } : {}) }));
    pages.push(ms);
    sellers += page.data.length;
    cursor = page.nextCursor;
    if (!page.hasMore) break;
  }
  const syncMs = performance.now() - started;

  const sample = await db().seller.findMany({
    where: { externalId: { not: null } },
    select: { id: true, externalId: true },
    take: 200,
    orderBy: { createdAt: "desc" },
  });
  const one: number[] = [];
  const byExternalId: number[] = [];
  for (const s of sample) {
    one.push((await timed(() => getSellerForApi(s.id)))[1]);
    byExternalId.push((await timed(() => listSellersForApi({ limit: 50, externalId: s.externalId ?? "" })))[1]);
  }
  // updatedSince an hour ago: the few sellers changed lately, found through the (updated_at, change_xid) index.
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const recent: number[] = [];
  let recentCount = 0;
  for (let i = 0; i < 50; i++) {
    const [page, ms] = await timed(() => listSellersForApi({ limit: 200, updatedSince: hourAgo }));
    recent.push(ms);
    recentCount = page.data.length;
  }
  const caughtUp: number[] = [];
  for (let i = 0; i < 50; i++) caughtUp.push((await timed(() => listSellersForApi({ limit: 200, cursor })))[1]);
  console.log(
    JSON.stringify({
      sellers,
      syncMs,
      page200: figures(pages),
      one: figures(one),
      byExternalId: figures(byExternalId),
      recent: { ...figures(recent), rows: recentCount },
      caughtUp: figures(caughtUp),
    }),
  );
  await db().$disconnect();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
