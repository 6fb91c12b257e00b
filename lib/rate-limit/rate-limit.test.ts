// Integration: the rate limits of the seller routes and /api/v1, through the routes' own functions against
// the run's PostgreSQL (rate_limits), with low limits set through RATE_LIMITS for this file.
process.env.RATE_LIMITS = [
  "noon-connect-per-address=3/600",
  "noon-connect-per-seller=4/600",
  "noon-callback-rejections-per-address=3/600",
  "onboarding-link-per-address=5/600",
  "onboarding-link-per-link=2/600",
  "api-key-failures-per-address=3/600",
  "api-per-key=4/60",
  "api-per-address=6/60",
].join(",");

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getConnectionToken } from "@/app/api/v1/connections/[id]/token/route";
import { POST as postOnboardingLink } from "@/app/api/v1/onboarding-links/route";
import { createApiKey } from "@/lib/api-keys";
import { db } from "@/lib/db/client";
import { addressKey } from "@/lib/rate-limit";
import { RATE_LIMITS_SINGLETON } from "@/lib/rate-limit/limiter";
import { forgetProcessSingleton } from "@/lib/server/process-singleton";
import { limitOnboardingLinkVisit } from "@/lib/sellers/link-visits";
import { createTestStaff } from "@/tests/authz/support";
import { rememberSecret } from "@/tests/support/secret-scan";
import {
  callback,
  clickConnect,
  sellerWithLink,
  startHarness,
  testAddress,
  type Harness,
} from "@/tests/support/noon-harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** A new process would have none of this one's limiter objects: only PostgreSQL carries the counts. */
function forgetInProcessLimiters() {
  forgetProcessSingleton(RATE_LIMITS_SINGLETON);
}

function expectRetryAfter(response: Response, max: number) {
  const value = Number(response.headers.get("retry-after"));
  expect(Number.isInteger(value)).toBe(true);
  expect(value).toBeGreaterThanOrEqual(1);
  expect(value).toBeLessThanOrEqual(max);
}

describe("addressKey", () => {
  it("counts an IPv6 client by its /64 (one client usually holds all of it), IPv4 by its address", () => {
    expect(addressKey("2001:db8:1:2::1")).toBe(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(addressKey("2001:db8:1:2::1")).toBe("ip:2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
    expect(addressKey("192.0.2.7")).toBe("ip:192.0.2.7");
    expect(addressKey(null)).toBe("ip:unknown");
  });
});

describe("POST /api/noon/connect", () => {
  it("answers 429 with Retry-After and a page once an address used its attempts, counted across instances", async () => {
    const ip = testAddress();
    const { seller, link } = await sellerWithLink();
    expect((await clickConnect(h, link.token, { ip })).response.status).toBe(303);
    expect((await clickConnect(h, link.token, { ip })).response.status).toBe(303);
    forgetInProcessLimiters();
    expect((await clickConnect(h, link.token, { ip })).response.status).toBe(303);
    const limited = await clickConnect(h, link.token, { ip });
    expect(limited.response.status).toBe(429);
    expectRetryAfter(limited.response, 600);
    const page = await limited.response.text();
    expect(page).toContain("Too many attempts");
    expect(page).toMatch(/Please wait \d+ minutes? and try again/);
    expect(limited.response.headers.get("content-type")).toContain("text/html");
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(3);
    // Another address is not affected.
    expect((await clickConnect(h, link.token, { ip: testAddress() })).response.status).toBe(303);
    const rows = await db().rateLimit.findMany({ where: { key: `noon-connect-per-address:ip:${ip}` } });
    expect(rows).toEqual([expect.objectContaining({ points: 4 })]);
  });

  it("limits the authorizations one seller can start, whatever the address", async () => {
    const { seller, link } = await sellerWithLink();
    for (let i = 0; i < 4; i++) expect((await clickConnect(h, link.token)).response.status).toBe(303);
    const limited = await clickConnect(h, link.token);
    expect(limited.response.status).toBe(429);
    expectRetryAfter(limited.response, 600);
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(4);
  });
});

describe("GET /api/noon/callback rejections", () => {
  it("tallies rejections on one row per address and hour, and answers 429 past the limit", async () => {
    const ip = testAddress();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const r = await callback(
        h,
        [
          ["code", "x"],
          ["state", randomBytes(32).toString("base64url")],
        ],
        null,
        {},
        ip,
      );
      statuses.push(r.response.status);
      last = r.response;
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429, 429]);
    if (last) expectRetryAfter(last, 600);
    const rows = await db().noonCallbackRejection.findMany({ where: { ip } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: "no_session", count: 6, lastAt: expect.any(Date) });
  });
});

describe("GET /onboard/{token}", () => {
  it("limits visits per link and per address before the page renders", async () => {
    const { link } = await sellerWithLink();
    const visit = (ip: string) => limitOnboardingLinkVisit(new Headers({ "x-forwarded-for": ip }), link.token);
    expect(await visit(testAddress())).toBeNull();
    expect(await visit(testAddress())).toBeNull();
    const perLink = await visit(testAddress());
    expect(perLink?.status).toBe(429);
    if (perLink) expectRetryAfter(perLink, 600);
    expect(await perLink?.text()).toContain("Too many attempts");

    const ip = testAddress();
    for (let i = 0; i < 5; i++)
      expect(
        await limitOnboardingLinkVisit(new Headers({ "x-forwarded-for": ip }), randomBytes(32).toString("base64url")),
      ).toBeNull();
    expect(
      (await limitOnboardingLinkVisit(new Headers({ "x-forwarded-for": ip }), randomBytes(32).toString("base64url")))
        ?.status,
    ).toBe(429);
    // The link token is never a key in clear.
    expect(await db().rateLimit.count({ where: { key: { contains: link.token } } })).toBe(0);
  });
});

describe("/api/v1", () => {
  const call = (key: string, ip: string) =>
    postOnboardingLink(
      new Request("http://localhost:3999/api/v1/onboarding-links", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-forwarded-for": ip },
        body: JSON.stringify({ name: `Rate ${randomBytes(3).toString("hex")}` }),
      }),
    );

  it("pauses an address that sent too many unknown keys, valid ones included, and tallies them in one audit row", async () => {
    const admin = await createTestStaff("ADMIN");
    const good = await createApiKey({ name: "rate good", scopes: ["onboarding-links"] }, admin.principal);
    rememberSecret(good.key);
    const ip = testAddress();
    for (let i = 0; i < 3; i++)
      expect((await call(`sok_${randomBytes(32).toString("base64url")}`, ip)).status).toBe(401);
    const paused = await call(good.key, ip);
    expect(paused.status).toBe(429);
    expectRetryAfter(paused, 600);
    const body = (await paused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.error.message).toMatch(/unknown or revoked API key.*Try again in \d+ minutes?/);
    expect((await call(good.key, testAddress())).status).toBe(201);

    const audit = await db().auditEvent.findMany({ where: { action: "api_key.rejected", ip } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ count: 3, outcome: "denied", actorLabel: "unknown api key" });
  });

  it("limits each key and each address, with Retry-After", async () => {
    const admin = await createTestStaff("ADMIN");
    const key = await createApiKey({ name: "rate per key", scopes: ["connection-tokens"] }, admin.principal);
    rememberSecret(key.key);
    const get = (ip: string) =>
      getConnectionToken(
        new Request("http://localhost:3999/api/v1/connections/00000000-0000-4000-8000-000000000000/token", {
          headers: { authorization: `Bearer ${key.key}`, "x-forwarded-for": ip },
        }),
        { params: Promise.resolve({ id: "00000000-0000-4000-8000-000000000000" }) },
      );
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await get(testAddress());
      statuses.push(last.status);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 429]);
    if (last) expectRetryAfter(last, 60);
    expect(((await last?.json()) as { error: { message: string } }).error.message).toMatch(
      /This API key has made too many requests/,
    );

    // Two keys from one address: each is within its own limit, the address's (6) is not.
    const a = await createApiKey({ name: "rate a", scopes: ["onboarding-links"] }, admin.principal);
    const b = await createApiKey({ name: "rate b", scopes: ["onboarding-links"] }, admin.principal);
    rememberSecret(a.key);
    rememberSecret(b.key);
    const ip = testAddress();
    const perAddress: number[] = [];
    for (const k of [a, a, a, b, b, b, a]) perAddress.push((await call(k.key, ip)).status);
    expect(perAddress).toEqual([201, 201, 201, 201, 201, 201, 429]);
    const refused = await call(b.key, ip);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /Too many requests came from your address/,
    );
  });
});
