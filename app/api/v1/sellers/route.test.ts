// GET /api/v1/sellers: the change feed a backend syncs from. The proof that no change is missed: sync
// through pages while other connections change sellers (their credentials, their authorizations, the
// seller rows), including a transaction that began early and commits late, then compare.
import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSeller, getSellerForApi } from "@/lib/sellers";
import { newAuthorizationReference, startAuthorization } from "@/lib/noon";
import type { SellerPage, SellerView } from "@/lib/api-v1/schemas";
import { answer, APP, bearer, testApiKey } from "@/tests/support/api";
import { GET } from "./route";

const list = (key: string | null, query: Record<string, string> | string = {}) =>
  GET(
    new Request(`${APP}/api/v1/sellers?${typeof query === "string" ? query : new URLSearchParams(query)}`, {
      headers: bearer(key),
    }),
  );

let key: string;
let pool: pg.Pool;
const run = randomBytes(3).toString("hex");

beforeAll(async () => {
  key = (await testApiKey(["sellers:read"])).key;
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
});
afterAll(async () => {
  await pool.end();
});

async function page(query: Record<string, string>): Promise<SellerPage> {
  const res = await answer<SellerPage>("v1-sellers-list.json", await list(key, query));
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return res.body;
}

/** A new authorization row through a given connection (the app's own path is startAuthorization). */
async function insertAuthorization(client: pg.PoolClient | pg.Pool, sellerId: string): Promise<void> {
  await client.query(
    `INSERT INTO noon_authorizations (id, reference, seller_id, state_hash, state_expires_at, updated_at) VALUES (gen_random_uuid(), $1, $2, $3, now() + interval '10 minutes', now())`,
    [newAuthorizationReference(), sellerId, createHash("sha256").update(randomBytes(32)).digest("hex")],
  );
}

/** Follows the feed from `cursor` until it is caught up; every seller seen lands in `seen` (the latest copy wins). */
async function syncFrom(
  cursor: string | undefined,
  seen: Map<string, SellerView>,
  base: Record<string, string>,
  limit = 4,
): Promise<string> {
  let next = cursor;
  for (let i = 0; i < 10_000; i++) {
    const body = await page({ ...base, limit: String(limit), ...(next ? { cursor: next } : {}) });
    for (const s of body.data) seen.set(s.id, s);
    next = body.nextCursor;
    if (!body.hasMore) return next;
  }
  throw new Error("the feed never caught up");
}

describe("GET /api/v1/sellers", () => {
  it("finds a seller by externalId, and answers an empty page for an unknown one", async () => {
    const externalId = `ext-list-${run}`;
    const seller = await createSeller({ name: "Lookup Trading", email: "ops@lookup.test", externalId });
    const found = await page({ externalId });
    expect(found.data).toHaveLength(1);
    expect(found.data[0]).toMatchObject({
      id: seller.id,
      externalId,
      name: "Lookup Trading",
      email: "ops@lookup.test",
      connected: false,
      currentCredential: null,
      pendingCredential: null,
      supersededCredentials: [],
      latestAuthorization: null,
    });
    expect(found.hasMore).toBe(false);
    const none = await page({ externalId: `nobody-${run}` });
    expect(none).toMatchObject({ data: [], hasMore: false });
  });

  it("answers 400 with a message naming the problem for every bad input", async () => {
    const cases: [string, RegExp][] = [
      ["limit=0", /limit must be a whole number from 1 to 200/],
      ["limit=201", /limit must be a whole number from 1 to 200/],
      ["limit=ten", /limit must be a whole number from 1 to 200/],
      ["limit=2.5", /limit must be a whole number from 1 to 200/],
      ["updatedSince=yesterday", /updatedSince must be an ISO 8601 date-time/],
      ["updatedSince=2026-11-30", /updatedSince must be an ISO 8601 date-time/],
      ["updatedSince=2026-11-30T12:00:00", /updatedSince must be an ISO 8601 date-time/],
      ["cursor=not-a-cursor", /cursor is not one this API gave out/],
      [`cursor=${Buffer.from('{"v":1,"x":"1","i":"x"}').toString("base64url")}`, /cursor is not one this API gave out/],
      ["externalId=", /externalId must not be empty/],
      ["cursor=", /cursor must not be empty/],
      ["limit=5&limit=6", /limit is given more than once/],
      [
        "externalID=acme",
        /Unknown query parameter externalID: this route takes externalId, updatedSince, cursor, limit/,
      ],
    ];
    for (const [query, message] of cases) {
      const res = await answer<{ error: { code: string; message: string } }>(
        "v1-sellers-list-400.json",
        await list(key, query),
      );
      expect({ query, status: res.status, code: res.body.error.code }).toEqual({
        query,
        status: 400,
        code: "BAD_REQUEST",
      });
      expect(res.body.error.message).toMatch(message);
    }
    // A cursor keeps the filters it was made with; other filters alongside it are refused.
    const first = await page({ updatedSince: "2026-01-01T00:00:00Z", limit: "1" });
    const mixed = await answer<{ error: { message: string } }>(
      "v1-sellers-list-400.json",
      await list(key, { updatedSince: "2026-02-01T00:00:00Z", cursor: first.nextCursor }),
    );
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toMatch(/cursor was given for other filters/);
    expect((await list(key, { updatedSince: "2026-01-01T01:00:00+01:00", cursor: first.nextCursor })).status).toBe(200);
  });

  it("answers 409 for a cursor ahead of the database (a restore into another cluster), saying to start again", async () => {
    const ahead = Buffer.from(
      JSON.stringify({ v: 1, x: "999999999999", i: "00000000-0000-0000-0000-000000000000", s: null, e: null }),
    ).toString("base64url");
    const res = await answer<{ error: { code: string; message: string } }>(
      "v1-sellers-list-409.json",
      await list(key, { cursor: ahead }),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/restored or moved .*Start a new sync/);
  });

  it("refuses a missing or unknown key (401), an expired key (401, saying so) and a key without sellers:read (403)", async () => {
    expect((await list(null)).status).toBe(401);
    expect((await list("sok_unknown")).status).toBe(401);
    const expired = await testApiKey(["sellers:read"], { expiresAt: new Date(Date.now() - 1000) });
    const res = await answer<{ error: { message: string } }>("v1-sellers-list-401.json", await list(expired.key));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(
      /^This API key expired at \d{4}-\d\d-\d\dT.*: ask an admin for a new key\.$/,
    );
    const other = await answer<{ error: { message: string } }>(
      "v1-sellers-list-403.json",
      await list((await testApiKey(["onboarding-links", "connection-tokens"])).key),
    );
    expect(other.status).toBe(403);
    expect(other.body.error.message).toBe("This API key lacks the sellers:read scope.");
  });

  it("moves a seller's updatedAt forward when its authorizations or credentials change", async () => {
    const seller = await createSeller({ name: `Touch ${run}` });
    const before = await getSellerForApi(seller.id);
    const started = await startAuthorization({ sellerId: seller.id });
    const afterStart = await getSellerForApi(seller.id);
    expect(afterStart.updatedAt > before.updatedAt).toBe(true);
    expect(afterStart.latestAuthorization?.status).toBe("started");
    await db().noonAuthorization.update({ where: { id: started.authorizationId }, data: { status: "DECLINED" } });
    const afterDecline = await getSellerForApi(seller.id);
    expect(afterDecline.updatedAt > afterStart.updatedAt).toBe(true);
    await db().sellerCredential.create({
      data: {
        sellerId: seller.id,
        authorizationId: started.authorizationId,
        status: "PENDING_STORAGE",
        projectCode: "PRJ1",
        keyId: `k-${run}`,
        secretName: `seller-onboarding/noon/sellers/PRJ1/k-${run}`,
      },
    });
    const afterCredential = await getSellerForApi(seller.id);
    expect(afterCredential.updatedAt > afterDecline.updatedAt).toBe(true);
    expect(afterCredential.pendingCredential).toMatchObject({
      status: "pending_storage",
      keyId: `k-${run}`,
      secret: { arn: null, versionId: null },
    });
    // Bookkeeping the answer does not show (the verification job's columns) leaves the seller where it was.
    await db().sellerCredential.updateMany({
      where: { sellerId: seller.id },
      data: {
        lastVerifiedAt: new Date(),
        nextVerificationAt: new Date(Date.now() + 3_600_000),
        verificationFailures: 1,
      },
    });
    expect((await getSellerForApi(seller.id)).updatedAt).toBe(afterCredential.updatedAt);
  });

  it("misses no change while syncing through pages as other transactions change sellers, one of them committing late", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const base = { updatedSince: since };
    const mine: { id: string }[] = [];
    for (let i = 0; i < 20; i++)
      mine.push(await createSeller({ name: `Feed ${run} ${i}`, externalId: `feed-${run}-${i}` }));
    const ids = new Set(mine.map((s) => s.id));
    const seen = new Map<string, SellerView>();
    const at = (i: number) => mine[i]?.id ?? "";

    // First pages, with changes in between to sellers already read and not yet read.
    let body = await page({ ...base, limit: "4" });
    for (const s of body.data) seen.set(s.id, s);
    const readFirst = body.data.find((s) => ids.has(s.id))?.id ?? at(0);
    await startAuthorization({ sellerId: readFirst });
    await startAuthorization({ sellerId: at(19) });
    body = await page({ ...base, limit: "4", cursor: body.nextCursor });
    for (const s of body.data) seen.set(s.id, s);

    // A transaction that began early (its xid is older) changes a seller and stays open; meanwhile a
    // later transaction changes two sellers and commits. Neither may show yet: had the later one
    // shown, a cursor past it would skip the early one's change when it commits.
    const early = await pool.connect();
    await early.query("BEGIN");
    await insertAuthorization(early, at(3));
    await insertAuthorization(pool, at(5));
    await pool.query(`UPDATE sellers SET name = name || ' (renamed)' WHERE id = $1`, [at(7)]);
    const caughtUp = await syncFrom(body.nextCursor, seen, base);
    expect(seen.get(at(5))?.latestAuthorization ?? null).toBeNull();
    expect(seen.get(at(7))?.name ?? "").not.toContain("(renamed)");

    // The same seller changed by both: the late commit gets the older xid, so its position moves back.
    await early.query(`UPDATE sellers SET email = 'late@feed.test' WHERE id = $1`, [at(7)]);
    await early.query("COMMIT");
    early.release();
    let resumed = caughtUp;
    await expect
      .poll(
        async () => {
          resumed = await syncFrom(resumed, seen, base);
          return [
            seen.get(at(3))?.latestAuthorization?.status,
            seen.get(at(5))?.latestAuthorization?.status,
            seen.get(at(7))?.name.endsWith("(renamed)"),
            seen.get(at(7))?.email,
          ];
        },
        { timeout: 15_000, interval: 50 },
      )
      .toEqual(["started", "started", true, "late@feed.test"]);

    // Changes racing a reader: a writer changes random sellers (authorizations, credentials, rows) while
    // the reader pages through; afterwards the reader follows its cursor until it is caught up.
    let writing = true;
    const writer = (async () => {
      let n = 0;
      // Bounded: an unbounded writer outruns a reader of 3-row pages on a slow machine, and neither ends.
      while (n < 30 || (writing && n < 200)) {
        const target = at(Math.floor(Math.random() * mine.length));
        if (n % 3 === 0) await startAuthorization({ sellerId: target });
        else if (n % 3 === 1)
          await pool.query(`UPDATE sellers SET name = $1 WHERE id = $2`, [`Feed ${run} v${n}`, target]);
        else {
          const latest = await db().noonAuthorization.findFirst({
            where: { sellerId: target, credential: null },
            orderBy: { createdAt: "desc" },
            select: { id: true },
          });
          if (latest) {
            await db().sellerCredential.create({
              data: {
                sellerId: target,
                authorizationId: latest.id,
                status: "PENDING_STORAGE",
                projectCode: "PRJ9",
                keyId: `k${n}-${run}`,
                secretName: `seller-onboarding/noon/sellers/PRJ9/k${n}-${run}`,
              },
            });
          }
        }
        n++;
      }
    })();
    let cursor = resumed;
    for (let round = 0; round < 15; round++) cursor = await syncFrom(cursor, seen, base, 3);
    writing = false;
    await writer;

    // Caught up: what the feed last said of each seller is what the database holds now.
    await expect
      .poll(
        async () => {
          cursor = await syncFrom(cursor, seen, base, 5);
          const stale = [];
          for (const id of ids)
            if (JSON.stringify(seen.get(id)) !== JSON.stringify(await getSellerForApi(id))) stale.push(id);
          return stale;
        },
        { timeout: 15_000, interval: 50 },
      )
      .toEqual([]);
  });

  it("keeps its cursor when nothing changed: the next call with it answers only later changes", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const a = await createSeller({ name: `Quiet ${run} a` });
    const seen = new Map<string, SellerView>();
    const cursor = await syncFrom(undefined, seen, { updatedSince: since }, 50);
    expect(seen.has(a.id)).toBe(true);
    const again = await page({ cursor, limit: "50" });
    expect(again.data.map((s) => s.id)).not.toContain(a.id);
    const b = await createSeller({ name: `Quiet ${run} b` });
    await expect
      .poll(async () => (await page({ cursor, limit: "200" })).data.map((s) => s.id), { timeout: 10_000, interval: 50 })
      .toContain(b.id);
  });
});
