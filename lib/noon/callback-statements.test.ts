// A guard against the callback's database work creeping back: the statements and round trips a successful
// callback sends, counted on the wire by a proxy in front of PostgreSQL (every pool and client library).
// Counts, not time (lib/noon/README.md, "What a callback costs the database").
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { keepOutput } from "@/tests/support/secret-scan";
import { startStatementCounter, type StatementCounter } from "@/tests/support/pg-statement-counter";
import { callback, connectAndApprove, sellerWithLink } from "@/tests/support/noon-harness";
import { noonHarnessPerFile } from "@/tests/support/noon-harness-per-file";

let counter: StatementCounter;
const realUrl = process.env.DATABASE_URL ?? "";

beforeAll(async () => {
  // Before anything opens a connection: the app's pool and the job queue both connect through the proxy.
  counter = await startStatementCounter(realUrl);
  process.env.DATABASE_URL = counter.url;
});
afterAll(async () => {
  await counter?.close();
});

const h = noonHarnessPerFile();

/** A seller connects; returns the callback's result and the first-verification job it queued. */
async function connect() {
  const { seller, link } = await sellerWithLink();
  const start = await connectAndApprove(h, link.token);
  counter.reset();
  const cb = await callback(
    h,
    [
      ["code", start.code],
      ["state", start.state],
    ],
    start.cookie,
  );
  // The first verification is queued without waiting (lib/noon/verify-queue.ts): wait for its job, read
  // on a connection of our own so the reading is not counted.
  const credential = await waitFor(() =>
    direct(`SELECT id::text FROM seller_credentials WHERE seller_id = $1 AND status = 'ACTIVE'`, [seller.id]),
  );
  await waitFor(() =>
    direct(`SELECT id FROM pgboss.job WHERE name = 'noon-verify-after-store' AND singleton_key = $1`, [credential.id]),
  );
  return { cb, counts: counter.counts() };
}

async function direct(sql: string, params: unknown[]): Promise<Record<string, string> | undefined> {
  const client = new pg.Client({ connectionString: realUrl });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(sql, params)).rows[0];
  } finally {
    await client.end();
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = await probe();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out waiting for the callback's writes");
}

describe("what a successful callback costs the database", () => {
  it("sends few statements, in few round trips", async () => {
    await connect(); // warm-up: the job queue's pool starts and creates its queue on first use
    const { cb, counts } = await connect();
    expect(cb.response.status).toBe(303);
    const auth = await db().noonAuthorization.findUniqueOrThrow({
      where: { reference: cb.location.split("/").pop() ?? "" },
      select: { status: true },
    });
    expect(auth.status).toBe("COMPLETED");

    const app = counts.get("") ?? { statements: 0, roundTrips: 0, sql: [] };
    const jobs = counts.get("seller-onboarding-jobs") ?? { statements: 0, roundTrips: 0, sql: [] };
    keepOutput(
      "callback-statements",
      [...counts]
        .map(
          ([name, c]) =>
            `${name || "app"}: ${c.statements} statements, ${c.roundTrips} round trips\n  ${c.sql.join("\n  ")}`,
        )
        .join("\n"),
    );
    console.log(
      `successful callback: app ${app.statements} statements / ${app.roundTrips} round trips; job queue ${jobs.statements} / ${jobs.roundTrips}`,
    );
    expect(app.statements).toBeGreaterThan(0);
    expect(jobs.statements).toBeLessThanOrEqual(1);
  });
});
