// A guard against the callback's database work creeping back: the statements and round trips a successful
// callback sends, counted on the wire by a proxy in front of PostgreSQL (every pool and client library).
// Counts, not time (lib/noon/README.md, "What a callback costs the database").
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { stopJobWorkers } from "@/lib/jobs";
import { deliveryBody, emitAuthorizationEvent } from "@/lib/webhooks/emit";
import { keepOutput, RUN_DIR } from "@/tests/support/secret-scan";
import { startStatementCounter, type StatementCounter } from "@/tests/support/pg-statement-counter";
import { createPrivateDatabase, type PrivateDatabase } from "@/tests/support/private-database";
import { callback, COMPLETED_TIMELINE, connectAndApprove, sellerWithLink } from "@/tests/support/noon-harness";
import { noonHarnessPerFile } from "@/tests/support/noon-harness-per-file";

let counter: StatementCounter;
let database: PrivateDatabase;
let realUrl = "";

beforeAll(async () => {
  // A database of its own (its webhook endpoint sees only this file's events), behind the proxy before
  // anything opens a connection: the app's pool and the job queue both connect through it.
  database = await createPrivateDatabase("callback_statements");
  realUrl = database.url;
  counter = await startStatementCounter(realUrl);
  process.env.DATABASE_URL = counter.url;
});
afterAll(async () => {
  await stopJobWorkers();
  await db().$disconnect();
  await counter?.close();
  await database?.drop();
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
    // (The job queue creates its tables when it first starts.)
    const found = await probe().catch(() => undefined);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out waiting for the callback's writes");
}

describe("what a successful callback costs the database", () => {
  it("sends few statements, in few round trips, and writes what the general path writes", async () => {
    await connect(); // warm-up: the job queue's pool starts and creates its queue on first use
    await db().webhookEndpoint.create({
      data: {
        url: "https://receiver.example/hooks",
        eventTypes: ["seller.connected"],
        secretName: "test/webhooks/unused",
        secretVersionId: "unused",
        createdBy: "test",
      },
    });
    const listener = new pg.Client({ connectionString: realUrl });
    await listener.connect();
    const notified = new Promise<void>((resolve) => listener.on("notification", () => resolve()));
    await listener.query("LISTEN webhook_deliveries");

    const { cb, counts } = await connect();
    expect(cb.response.status).toBe(303);
    await notified;
    await listener.end();
    const auth = await db().noonAuthorization.findUniqueOrThrow({
      where: { reference: cb.location.split("/").pop() ?? "" },
      include: { events: { orderBy: { id: "asc" } }, credential: true },
    });
    expect(auth.status).toBe("COMPLETED");
    expect(auth.events.map((e) => e.type)).toEqual(COMPLETED_TIMELINE);
    expect(auth.credential).toMatchObject({ status: "ACTIVE", storedAt: expect.any(Date) });
    expect(auth.credential?.nextVerificationAt?.getTime()).toBe((auth.credential?.storedAt?.getTime() ?? 0) + 120_000);
    // seller.connected: one delivery, and the body emitAuthorizationEvent builds from the rows, byte for byte.
    const event = await db().webhookEvent.findFirstOrThrow({
      where: { type: "seller.connected", stream: `seller:${auth.sellerId}` },
      include: { deliveries: true },
    });
    expect(event.deliveries).toHaveLength(1);
    expect(event.sequence).toBe(1n);
    const general = await db()
      .$transaction(async (tx) => {
        await emitAuthorizationEvent(tx, { authorizationId: auth.id, type: "seller.connected" });
        const built = await tx.webhookEvent.findFirstOrThrow({
          where: { stream: `seller:${auth.sellerId}`, sequence: 2 },
        });
        throw Object.assign(new Error("rolled back"), { built });
      })
      .catch((error: { built?: { payload: unknown } }) => error.built?.payload as Record<string, unknown>);
    const fast = event.payload as Record<string, unknown>;
    expect(deliveryBody(fast)).toBe(deliveryBody({ ...general, sequence: 1, timestamp: fast.timestamp }));
    expect(fast.timestamp).toBe(event.occurredAt.toISOString());

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
    // The state claimed (1); token_created, written while token/exchange is in flight (1); the key sealed with
    // the credential and the exchange on the timeline (1); the local store's write (1); the completion (1).
    // It was 33 statements, one round trip each.
    expect(app.statements).toBeLessThanOrEqual(5);
    expect(app.roundTrips).toBeLessThanOrEqual(5);
    // The first verification's job (lib/noon/verify-queue.ts).
    expect(jobs.statements).toBeLessThanOrEqual(1);

    // Its log line says how long each step took (the bench prints their p50; no time is asserted here).
    const finished = readFileSync(path.join(RUN_DIR, "app.log"), "utf8")
      .split("\n")
      .filter((line) => line.includes("noon authorization finished") && line.includes(auth.id))
      .map((line) => JSON.parse(line) as { stepsMs?: Record<string, unknown> });
    expect(finished).toHaveLength(1);
    expect(Object.keys(finished[0]?.stepsMs ?? {})).toEqual([
      "session",
      "claim",
      "tokenCreate",
      "tokenExchange",
      "seal",
      "store",
      "complete",
    ]);
    for (const ms of Object.values(finished[0]?.stepsMs ?? {})) expect(ms).toBeGreaterThanOrEqual(0);
  });
});
