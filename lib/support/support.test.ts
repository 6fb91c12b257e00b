// The support view's queries against a real PostgreSQL (the run's migrated database): keyset pages that
// stay put while requests arrive, search by every key, bounded counts, the CSV export, and no secret in
// anything the pages or the export show.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import {
  countAuthorizationsByStatus,
  countNewerAuthorizations,
  exportAuthorizationsCsv,
  getAuthorizationDetail,
  getAuthorizationProgress,
  listAuthorizations,
  newestMarker,
  resolveSearch,
} from "@/lib/support/queries";
import { decodeCursor, encodeCursor, planSearch, type AuthorizationStatus } from "@/lib/support/sql";
import { csvField } from "@/lib/support/csv";
import { getSellerDetail } from "@/lib/sellers";
import { listQueryString, parseListParams, toListOptions } from "@/lib/support/filters";

const tag = randomBytes(4).toString("hex");
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const newReference = () => `NA-${Array.from(randomBytes(8), (b) => CROCKFORD[b % 32]).join("")}`;

async function makeSeller(name: string, email: string | null = null) {
  return db().seller.create({ data: { name, email, externalId: `support-test-${randomUUID()}` } });
}

async function makeRequest(
  sellerId: string,
  fields: {
    status?: AuthorizationStatus;
    createdAt?: Date;
    projectCode?: string | null;
    oauthRequestId?: string | null;
    failureStage?: string | null;
    failureHttpStatus?: number | null;
    failureMessage?: string | null;
  } = {},
) {
  const createdAt = fields.createdAt ?? new Date();
  return db().noonAuthorization.create({
    data: {
      reference: newReference(),
      sellerId,
      status: fields.status ?? "STARTED",
      stateHash: createHash("sha256").update(randomBytes(32)).digest("hex"),
      stateExpiresAt: new Date(createdAt.getTime() + 600_000),
      projectCode: fields.projectCode ?? null,
      oauthRequestId: fields.oauthRequestId ?? null,
      failureStage: fields.failureStage ?? null,
      failureHttpStatus: fields.failureHttpStatus ?? null,
      failureMessage: fields.failureMessage ?? null,
      createdAt,
    },
  });
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

const base = { sort: "newest" as const, limit: 3 };

describe("keyset pagination", () => {
  it("keeps the following pages unchanged when requests arrive between pages, both ways", async () => {
    const seller = await makeSeller(`Paging ${tag}`);
    const t0 = Date.now() - 3_600_000;
    const rows = [];
    // Seven requests, two of them at the same millisecond (ties are ordered by id).
    for (let i = 0; i < 7; i++)
      rows.push(await makeRequest(seller.id, { createdAt: new Date(t0 + (i === 4 ? 3 : i) * 1000) }));
    const expected = [...rows]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);

    const page1 = await listAuthorizations({ ...base, sellerId: seller.id });
    expect(page1.items.map((i) => i.id)).toEqual(expected.slice(0, 3));
    expect(page1.prevCursor).toBeNull();
    expect(page1.nextCursor).not.toBeNull();

    // Two new requests arrive while support reads page 1.
    await makeRequest(seller.id, { createdAt: new Date() });
    await makeRequest(seller.id, { createdAt: new Date() });

    const page2 = await listAuthorizations({ ...base, sellerId: seller.id, cursor: page1.nextCursor ?? undefined });
    expect(page2.items.map((i) => i.id)).toEqual(expected.slice(3, 6));
    const page3 = await listAuthorizations({ ...base, sellerId: seller.id, cursor: page2.nextCursor ?? undefined });
    expect(page3.items.map((i) => i.id)).toEqual(expected.slice(6));
    expect(page3.nextCursor).toBeNull();

    // Back from page 3 gives page 2 again; back from page 2 gives the old page 1 (the new rows sit before it).
    const back2 = await listAuthorizations({ ...base, sellerId: seller.id, cursor: page3.prevCursor ?? undefined });
    expect(back2.items.map((i) => i.id)).toEqual(expected.slice(3, 6));
    const back1 = await listAuthorizations({ ...base, sellerId: seller.id, cursor: back2.prevCursor ?? undefined });
    expect(back1.items.map((i) => i.id)).toEqual(expected.slice(0, 3));
    expect(back1.prevCursor).not.toBeNull(); // the two new requests are "newer" than this page

    // The live banner counts them.
    const marker = newestMarker(page1.items[0]);
    expect(marker).not.toBeNull();
    expect(await countNewerAuthorizations({ filters: { sellerId: seller.id }, sinceCursor: marker ?? "" })).toBe(2);

    // Oldest first walks the same rows in reverse.
    const oldest = await listAuthorizations({ sort: "oldest", limit: 4, sellerId: seller.id });
    expect(oldest.items.map((i) => i.id)).toEqual([...expected].reverse().slice(0, 4));
  });

  it("encodes cursors compactly and rejects tampered ones", () => {
    const c = { direction: "after" as const, createdAt: new Date("2026-11-28T10:00:00.123Z"), id: randomUUID() };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor("a.1'; DROP TABLE x;--.zz")).toBeUndefined();
    expect(decodeCursor("x.1.00000000-0000-0000-0000-000000000000")).toBeUndefined();
  });
});

describe("search", () => {
  let sellerId = "";
  let requestId = "";
  let reference = "";
  const oauthRequestId = randomUUID();
  const projectCode = `PRJ${Date.now().toString().slice(-7)}${Math.floor(Math.random() * 90 + 10)}`;
  const name = `Quokka${tag} Trading`;
  const email = `owner.${tag}@quokka.example`;

  beforeAll(async () => {
    const seller = await makeSeller(name, email);
    sellerId = seller.id;
    const failed = await makeRequest(seller.id, {
      status: "FAILED",
      projectCode,
      oauthRequestId,
      failureStage: "token_exchange",
      failureHttpStatus: 500,
      failureMessage: "Noon answered HTTP 500 while exchanging the access token",
    });
    requestId = failed.id;
    reference = failed.reference;
    await makeRequest(seller.id, { status: "DECLINED" });
  });

  it("finds a request by its reference, in any letter case", async () => {
    for (const q of [reference, reference.toLowerCase(), `  ${reference} `]) {
      const page = await listAuthorizations({ ...base, q });
      expect(page.search.mode).toBe("reference");
      expect(page.items.map((i) => i.id)).toEqual([requestId]);
      expect(page.items[0]?.failureStage).toBe("token_exchange");
    }
  });

  it("finds it by oauth_request_id and by its own id", async () => {
    const byOauth = await listAuthorizations({ ...base, q: oauthRequestId.toUpperCase() });
    expect(byOauth.search.mode).toBe("uuid");
    expect(byOauth.items.map((i) => i.id)).toEqual([requestId]);
    const byId = await listAuthorizations({ ...base, q: requestId });
    expect(byId.items.map((i) => i.id)).toEqual([requestId]);
  });

  it("finds it by project code (probed), falling back to names for code-like text that is no project", async () => {
    const byCode = await listAuthorizations({ ...base, q: projectCode.toLowerCase() });
    expect(byCode.search.mode).toBe("projectCode");
    expect(byCode.items.map((i) => i.id)).toEqual([requestId]);
    const plan = await resolveSearch(`Quokka${tag}`);
    expect(plan.mode).toBe("seller");
  });

  it("finds the seller's requests by part of the name or the e-mail", async () => {
    for (const q of [`quokka${tag}`, `${tag} trad`, email, `owner.${tag}`]) {
      const page = await listAuthorizations({ ...base, q });
      expect(page.search.mode).toBe("seller");
      expect(page.items.length).toBe(2);
      expect(page.items.every((i) => i.seller.id === sellerId)).toBe(true);
    }
    const filtered = await listAuthorizations({ ...base, q: `quokka${tag}`, status: "DECLINED" });
    expect(filtered.items.map((i) => i.status)).toEqual(["DECLINED"]);
  });

  it("treats LIKE wildcards in the input literally", async () => {
    const page = await listAuthorizations({ ...base, q: `%${tag}_%` });
    expect(page.items).toEqual([]);
  });

  it("answers a broad name search (over 1,000 sellers) by the time index, without counts", async () => {
    const word = `Wombat${tag}`;
    await db().seller.createMany({
      data: Array.from({ length: 1005 }, (_, i) => ({
        name: `${word} Shop ${i}`,
        externalId: `support-broad-${tag}-${i}`,
      })),
    });
    const some = await db().seller.findMany({ where: { name: { startsWith: word } }, take: 3, select: { id: true } });
    const made = [];
    for (const [i, s] of some.entries())
      made.push(await makeRequest(s.id, { status: i === 0 ? "FAILED" : "COMPLETED" }));
    const plan = await resolveSearch(word);
    expect(plan).toMatchObject({ mode: "seller" });
    expect(plan.mode === "seller" && plan.sellerIds).toBe(undefined);
    const page = await listAuthorizations({ ...base, limit: 10, q: word });
    expect(new Set(page.items.map((i) => i.id))).toEqual(new Set(made.map((m) => m.id)));
    const failedOnly = await listAuthorizations({ ...base, q: word, status: "FAILED" });
    expect(failedOnly.items.map((i) => i.id)).toEqual([made[0]?.id]);
    const counts = await countAuthorizationsByStatus({ q: word });
    expect(counts.every((c) => c.count === null)).toBe(true);
  });

  it("answers one or two characters as a name or e-mail prefix", async () => {
    const page = await listAuthorizations({ ...base, limit: 20, q: "qu" });
    expect(page.search.mode).toBe("seller");
    for (const item of page.items) {
      expect(
        item.seller.name.toLowerCase().startsWith("qu") || (item.seller.email ?? "").toLowerCase().startsWith("qu"),
      ).toBe(true);
    }
  });

  it("routes input by its shape", () => {
    expect(planSearch("NA-7K3Q9XWD")).toEqual({ mode: "reference", value: "NA-7K3Q9XWD" });
    expect(planSearch("f47ac10b-58cc-4372-a567-0e02b2c3d479").mode).toBe("uuid");
    expect(planSearch("PRJ12345").mode).toBe("projectCode");
    expect(planSearch("Ahmed Khan")).toMatchObject({ mode: "seller", pattern: "%Ahmed Khan%", prefix: false });
    expect(planSearch("ah")).toMatchObject({ mode: "seller", pattern: "ah%", prefix: true });
    expect(planSearch("   ")).toEqual({ mode: "none" });
  });
});

describe("counts", () => {
  it("counts a seller's requests per status exactly, and the whole table without counting it", async () => {
    const seller = await makeSeller(`Counting ${tag}`);
    const statuses: AuthorizationStatus[] = ["FAILED", "FAILED", "COMPLETED", "EXPIRED", "STARTED"];
    for (const status of statuses) await makeRequest(seller.id, { status });
    const counts = await countAuthorizationsByStatus({ sellerId: seller.id });
    const by = Object.fromEntries(counts.map((c) => [c.status, c]));
    expect(by.FAILED).toMatchObject({ count: 2, exact: true });
    expect(by.COMPLETED).toMatchObject({ count: 1, exact: true });
    expect(by.DECLINED).toMatchObject({ count: 0, exact: true });

    const all = await countAuthorizationsByStatus({});
    expect(all).toHaveLength(8);
    for (const c of all) expect(c.count ?? 0).toBeGreaterThanOrEqual(by[c.status]?.count ?? 0);

    const inRange = await countAuthorizationsByStatus({ from: new Date(Date.now() - 60_000), sellerId: seller.id });
    expect(inRange.find((c) => c.status === "FAILED")?.count).toBe(2);
    const beforeRange = await countAuthorizationsByStatus({
      to: new Date(Date.now() - 86_400_000),
      sellerId: seller.id,
    });
    expect(beforeRange.every((c) => c.count === 0)).toBe(true);
  });
});

describe("what support sees holds no secret", () => {
  const privateKey = `-----BEGIN PRIVATE KEY-----\n${randomBytes(96).toString("base64")}\n-----END PRIVATE KEY-----`;
  const accessToken = `eyJ${randomBytes(40).toString("base64url")}`;
  let authorizationId = "";
  let sellerId = "";

  beforeAll(async () => {
    rememberSecret(privateKey);
    rememberSecret(accessToken);
    const seller = await makeSeller(`=HYPERLINK("x") ${tag}`, `secret.${tag}@example.com`);
    sellerId = seller.id;
    const a = await makeRequest(seller.id, {
      status: "COMPLETED",
      projectCode: `PRJS${tag}`,
      oauthRequestId: randomUUID(),
    });
    authorizationId = a.id;
    // One clock reading: on a loaded machine separate readings drift a millisecond apart.
    const now = Date.now();
    await db().noonAuthorizationEvent.createMany({
      data: [
        { authorizationId: a.id, type: "started", at: new Date(now - 5000) },
        { authorizationId: a.id, type: "callback_received", at: new Date(now - 4000) },
        // A careless writer put secrets into details: the support view must still not show them.
        {
          authorizationId: a.id,
          type: "exchanged",
          at: new Date(now - 3000),
          details: { private_key: privateKey, access_token: accessToken, keyId: "key_abc" },
        },
        { authorizationId: a.id, type: "completed", at: new Date(now - 2500) },
      ],
    });
    await db().sellerCredential.create({
      data: {
        sellerId: seller.id,
        authorizationId: a.id,
        status: "ACTIVE",
        projectCode: `PRJS${tag}`,
        keyId: "key_abc",
        secretName: `seller-onboarding/noon/${seller.id}/${a.id}`,
        secretArn: `arn:aws:secretsmanager:us-east-1:000000000000:secret:seller-onboarding/noon/${seller.id}/${a.id}-AbCdEf`,
        secretVersionId: randomUUID(),
        storedAt: new Date(),
      },
    });
    await db().onboardingLink.create({
      data: {
        sellerId: seller.id,
        tokenHash: createHash("sha256").update(randomBytes(32)).digest("hex"),
        expiresAt: new Date(Date.now() - 1000),
        createdBy: "cli",
      },
    });
  });

  it("shows the timeline with gaps, the credential by reference only, and drops secret-looking details", async () => {
    const detail = await getAuthorizationDetail(authorizationId);
    expect(detail).not.toBeNull();
    if (!detail) return;
    keepOutput("support-request-detail.json", JSON.stringify(detail));
    expect(detail.events.map((e) => e.type)).toEqual(["started", "callback_received", "exchanged", "completed"]);
    expect(detail.events.map((e) => e.sincePreviousMs)).toEqual([null, 1000, 1000, 500]);
    expect(detail.events[2]?.details).toEqual({ keyId: "key_abc" });
    expect(detail.credential?.secretArn).toContain("arn:aws:secretsmanager");
    expect(JSON.stringify(detail)).not.toContain(privateKey.split("\n")[1] ?? "x");
    expect(JSON.stringify(detail)).not.toContain(accessToken);
    expect(JSON.stringify(detail)).not.toMatch(/stateHash|state_hash/);
    expect(await getAuthorizationProgress(authorizationId)).toMatchObject({
      status: "COMPLETED",
      inProgress: false,
      events: 4,
    });
    expect(await getAuthorizationDetail(randomUUID())).toBeNull();
    expect(await getAuthorizationDetail("not-a-uuid")).toBeNull();
  });

  it("shows the seller with requests, credentials and links in their state", async () => {
    const detail = await getSellerDetail(sellerId);
    expect(detail).not.toBeNull();
    keepOutput("support-seller-detail.json", JSON.stringify(detail));
    expect(detail?.requests.map((r) => r.id)).toEqual([authorizationId]);
    expect(detail?.credentials.map((c) => c.status)).toEqual(["ACTIVE"]);
    expect(detail?.links.map((l) => l.state)).toEqual(["expired"]);
    expect(JSON.stringify(detail)).not.toMatch(/tokenHash|token_hash/);
  });

  it("exports the filtered list as CSV, formulas neutralised, nothing secret", async () => {
    const csv = await readStream(exportAuthorizationsCsv({ sellerId }, "newest"));
    keepOutput("support-export.csv", csv);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "reference,status,created_at,updated_at,seller_name,seller_email,project_code,oauth_request_id,failure_stage,failure_http_status,failure_message,request_id,seller_id",
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"") ${tag}"`);
    expect(lines[1]).toContain(authorizationId);
    expect(csvField("-1+1")).toBe("'-1+1");
    expect(csvField('a,"b"\nc')).toBe('"a,""b""\nc"');

    const list = await listAuthorizations({ ...base, sellerId });
    keepOutput("support-list.json", JSON.stringify(list));
  });

  it("streams a large export in batches", async () => {
    const seller = await makeSeller(`Export ${tag}`);
    const t0 = Date.now() - 86_400_000;
    await db().noonAuthorization.createMany({
      data: Array.from({ length: 2503 }, (_, i) => ({
        reference: newReference(),
        sellerId: seller.id,
        status: "EXPIRED" as const,
        stateHash: createHash("sha256").update(`${tag}-${i}-${randomUUID()}`).digest("hex"),
        stateExpiresAt: new Date(t0 + i),
        createdAt: new Date(t0 + i),
      })),
    });
    const csv = await readStream(exportAuthorizationsCsv({ sellerId: seller.id }, "oldest"));
    const lines = csv.trimEnd().split("\r\n").slice(1);
    expect(lines).toHaveLength(2503);
    expect(new Set(lines.map((l) => l.split(",")[0])).size).toBe(2503);
  });
});

describe("URL filters", () => {
  it("parses leniently and round-trips", () => {
    const p = parseListParams(
      new URLSearchParams(
        "status=failed&from=2026-11-01&to=2026-11-28&q=+NA-7K3Q9XWD+&sort=oldest&seller=nope&limit=5",
      ),
    );
    expect(p).toMatchObject({
      status: "FAILED",
      from: "2026-11-01",
      to: "2026-11-28",
      q: "NA-7K3Q9XWD",
      sort: "oldest",
      seller: undefined,
      limit: 50,
    });
    const o = toListOptions(p);
    expect(o.to?.toISOString()).toBe("2026-11-29T00:00:00.000Z");
    expect(listQueryString(p)).toBe("?status=failed&from=2026-11-01&to=2026-11-28&q=NA-7K3Q9XWD&sort=oldest");
    expect(parseListParams({ status: "bogus", from: "2026-13-45" })).toMatchObject({
      status: undefined,
      from: undefined,
      sort: "newest",
    });
  });
});

afterAll(async () => {
  await db().$disconnect();
});
