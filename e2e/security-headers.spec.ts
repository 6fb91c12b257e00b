// Every security header on every route family of the production server (`next start`): seller pages,
// the Noon routes, the staff dashboard, /api/v1, /api/health and static assets. No header-scoring tool
// works offline from npm (lib/auth/README.md says why), so this spec is the score.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { APIResponse } from "@playwright/test";
import { dbQuery } from "./support/auth";
import { test, expect } from "./support/fixtures";

type Family = {
  name: string;
  path: string;
  method?: "GET" | "POST";
  form?: Record<string, string>;
  headers?: Record<string, string>;
  status: number | number[];
  /** Responses built per request (through proxy.ts): the nonce CSP and the full header set. */
  dynamic: boolean;
  seller?: boolean;
  /** Answers that must never be stored by a cache (sessions, tokens, one-time links). */
  noStore?: boolean;
};

const token = randomBytes(32).toString("base64url");

const FAMILIES: Family[] = [
  {
    name: "seller page: onboarding link",
    path: `/onboard/${token}`,
    status: 200,
    dynamic: true,
    seller: true,
    noStore: true,
  },
  {
    name: "seller page: result",
    path: "/onboard/result/NA-00000000",
    status: 200,
    dynamic: true,
    seller: true,
    noStore: true,
  },
  {
    name: "Noon: connect (form from another site)",
    path: "/api/noon/connect",
    method: "POST",
    form: { link: token },
    headers: { origin: "https://evil.example" },
    status: 403,
    dynamic: true,
    seller: true,
    noStore: true,
  },
  {
    name: "Noon: callback (rejected)",
    path: `/api/noon/callback?code=x&state=${token}`,
    status: 400,
    dynamic: true,
    seller: true,
    noStore: true,
  },
  { name: "staff: sign-in page", path: "/admin/sign-in", status: 200, dynamic: true, noStore: true },
  { name: "staff: dashboard (anonymous: redirect)", path: "/admin", status: 307, dynamic: true, noStore: true },
  {
    name: "/api/v1 without a key",
    path: "/api/v1/connections/00000000-0000-4000-8000-000000000000/token",
    status: 401,
    dynamic: true,
    noStore: true,
  },
  {
    name: "/api/v1 with an unknown key",
    path: "/api/v1/onboarding-links",
    method: "POST",
    headers: { authorization: "Bearer sok_not-a-key" },
    status: 401,
    dynamic: true,
    noStore: true,
  },
  { name: "health", path: "/api/health", status: 200, dynamic: true, noStore: true },
  { name: "home", path: "/", status: 200, dynamic: true },
];

function expectHeader(response: APIResponse, name: string, check: RegExp | string, family: string) {
  const value = response.headers()[name.toLowerCase()];
  expect(value, `${family}: ${name}`).toBeDefined();
  if (typeof check === "string") expect(value, `${family}: ${name}`).toBe(check);
  else expect(value, `${family}: ${name}`).toMatch(check);
}

/** What every answer carries, static files included. */
function expectBaseline(response: APIResponse, family: string) {
  expectHeader(response, "X-Content-Type-Options", "nosniff", family);
  expectHeader(response, "X-Frame-Options", "DENY", family);
  // next start runs with NODE_ENV=production here: two years, subdomains included.
  expectHeader(
    response,
    "Strict-Transport-Security",
    /^max-age=(6307200\d|[7-9]\d{7,}|\d{9,}); includeSubDomains/,
    family,
  );
  expectHeader(response, "Referrer-Policy", /^(strict-origin-when-cross-origin|no-referrer)$/, family);
  expect(response.headers()["x-powered-by"], `${family}: X-Powered-By`).toBeUndefined();
  expect(response.headers()["server"] ?? "", `${family}: Server`).not.toMatch(/\d/);
}

function expectCsp(response: APIResponse, family: string) {
  const csp = response.headers()["content-security-policy"] ?? "";
  expect(csp, `${family}: Content-Security-Policy`).not.toBe("");
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0] ?? "", d]),
  );
  expect(directives.get("default-src"), family).toMatch(/^default-src ('self'|'none')$/);
  expect(directives.get("frame-ancestors"), family).toBe("frame-ancestors 'none'");
  expect(directives.get("object-src") ?? "object-src 'none'", family).toBe("object-src 'none'");
  expect(directives.get("base-uri"), family).toMatch(/^base-uri ('self'|'none')$/);
  expect(directives.get("form-action"), family).toMatch(/^form-action 'self'/);
  const script = directives.get("script-src") ?? "";
  // No unsafe-inline / unsafe-eval scripts in production; scripts only with this response's nonce.
  expect(script, family).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  if (script) expect(script, family).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
}

for (const family of FAMILIES) {
  test(`security headers: ${family.name}`, async ({ request }) => {
    const response = await request.fetch(family.path, {
      method: family.method ?? "GET",
      maxRedirects: 0,
      headers: family.headers ?? {},
      ...(family.form ? { form: family.form } : {}),
    });
    const statuses = Array.isArray(family.status) ? family.status : [family.status];
    expect(statuses, `${family.name}: status`).toContain(response.status());
    expectBaseline(response, family.name);
    if (family.dynamic) {
      expectCsp(response, family.name);
      expectHeader(response, "Cross-Origin-Opener-Policy", "same-origin", family.name);
      expectHeader(response, "Permissions-Policy", /camera=\(\)/, family.name);
    }
    if (family.seller) {
      // One-time link tokens and codes travel in these URLs: never a Referer, never a cache.
      expectHeader(response, "Referrer-Policy", "no-referrer", family.name);
    }
    if (family.noStore) expectHeader(response, "Cache-Control", /no-store/, family.name);
  });
}

test("security headers: two answers never share a CSP nonce", async ({ request }) => {
  const nonce = async () =>
    /'nonce-([^']+)'/.exec((await request.get("/")).headers()["content-security-policy"] ?? "")?.[1];
  const [a, b] = [await nonce(), await nonce()];
  expect(a).toBeTruthy();
  expect(a).not.toBe(b);
});

test("security headers: static assets", async ({ request }) => {
  const html = await (await request.get("/")).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? "");
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of [...new Set(assets)].slice(0, 3)) {
    const response = await request.get(asset);
    expect(response.status(), asset).toBe(200);
    expectBaseline(response, `static ${asset}`);
    expectHeader(response, "Cache-Control", /immutable/, `static ${asset}`);
  }
  const icon = await request.get("/icon.svg");
  expect(icon.status()).toBe(200);
  expectBaseline(icon, "icon.svg");
});

// The token route is the one path proxy.ts's matcher skips (when its id has no "%"): its answers must
// still be what every /api/v1 answer is: the fixed headers and API CSP of next.config.mjs, never cached,
// never a 5xx; a malformed %-escape still reaches proxy.ts and gets its 400.
test.describe("the token route, served without proxy.ts", () => {
  const unknownId = "00000000-0000-4000-8000-000000000000";
  const tokenPath = (id: string) => `/api/v1/connections/${id}/token`;
  const apiCsp = "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

  /** A key stored as the app stores it (SHA-256 of the key), with the given scopes. */
  async function apiKey(scopes: string[]): Promise<string> {
    const key = `sok_${randomBytes(32).toString("base64url")}`;
    await dbQuery(
      "INSERT INTO api_keys (id, name, prefix, key_hash, scopes, created_by) VALUES (gen_random_uuid(), $1, $2, $3, $4, 'e2e')",
      [
        `e2e headers ${randomUUID().slice(0, 6)}`,
        key.slice(0, 14),
        createHash("sha256").update(key).digest("hex"),
        scopes,
      ],
    );
    return key;
  }

  function expectApiAnswer(response: APIResponse, what: string) {
    expect(response.status(), `${what}: status`).toBeLessThan(500);
    expectBaseline(response, what);
    expectCsp(response, what);
    expectHeader(response, "Content-Security-Policy", apiCsp, what);
    expectHeader(response, "Cross-Origin-Opener-Policy", "same-origin", what);
    expectHeader(response, "Permissions-Policy", /camera=\(\)/, what);
    expectHeader(response, "Cache-Control", /no-store/, what);
  }

  test("every method and caller gets the API headers, no-store and a 4xx (never a 5xx)", async ({ request }) => {
    const tokens = await apiKey(["connection-tokens"]);
    const other = await apiKey(["onboarding-links"]);
    const cases: { what: string; path: string; method: string; headers?: Record<string, string>; status: number }[] = [
      { what: "GET without a key", path: tokenPath(unknownId), method: "GET", status: 401 },
      {
        what: "GET with an unknown key",
        path: tokenPath(unknownId),
        method: "GET",
        headers: { authorization: "Bearer sok_not-a-key" },
        status: 401,
      },
      {
        what: "GET with a key without the scope",
        path: tokenPath(unknownId),
        method: "GET",
        headers: { authorization: `Bearer ${other}` },
        status: 403,
      },
      {
        what: "GET of an unknown connection",
        path: tokenPath(unknownId),
        method: "GET",
        headers: { authorization: `Bearer ${tokens}` },
        status: 404,
      },
      {
        what: "GET with an id that is no uuid",
        path: tokenPath("not-a-uuid"),
        method: "GET",
        headers: { authorization: `Bearer ${tokens}` },
        status: 404,
      },
      { what: "HEAD without a key", path: tokenPath(unknownId), method: "HEAD", status: 401 },
      { what: "OPTIONS", path: tokenPath(unknownId), method: "OPTIONS", status: 204 },
      ...["POST", "PUT", "PATCH", "DELETE"].map((method) => ({
        what: `${method} (not allowed)`,
        path: tokenPath(unknownId),
        method,
        headers: { authorization: `Bearer ${tokens}` },
        status: 405,
      })),
    ];
    for (const c of cases) {
      const response = await request.fetch(c.path, { method: c.method, headers: c.headers ?? {}, maxRedirects: 0 });
      expect(response.status(), `${c.what}: status`).toBe(c.status);
      expectApiAnswer(response, c.what);
    }
  });

  test("a server-action call (POST with Next-Action) is refused with a 4xx, whatever its body", async ({ request }) => {
    const bodies: { type: string; data: string }[] = [
      { type: "text/plain;charset=UTF-8", data: '[null,"$K1"]' },
      { type: "text/plain;charset=UTF-8", data: "not json at all" },
      { type: "text/plain;charset=UTF-8", data: '["$@1","$Q2"]' },
      { type: "multipart/form-data; boundary=x", data: "--x\r\nbroken" },
      { type: "application/x-www-form-urlencoded", data: "a=1" },
    ];
    for (const [i, body] of bodies.entries()) {
      const what = `Next-Action POST #${i + 1} (${body.type.split(";")[0]})`;
      const response = await request.fetch(tokenPath(unknownId), {
        method: "POST",
        headers: { "next-action": "0".repeat(42), "content-type": body.type, origin: "http://localhost" },
        data: body.data,
        maxRedirects: 0,
      });
      expect(response.status(), `${what}: status`).toBeGreaterThanOrEqual(400);
      expectApiAnswer(response, what);
    }
  });

  test("a malformed %-escape in the id still reaches proxy.ts: 400 with its message", async ({ request }) => {
    for (const id of ["%E0%A4%A", "abc%ZZ", "%", "00000000-0000-4000-8000-00000000000%"]) {
      const response = await request.get(tokenPath(id), { headers: { authorization: "Bearer sok_not-a-key" } });
      expect(response.status(), `${id}: status`).toBe(400);
      expect(await response.text(), id).toContain("malformed %-escape");
      expectApiAnswer(response, `malformed ${id}`);
    }
    // A well-formed escape goes through proxy.ts too and reaches the route: the usual 401.
    const escaped = await request.get(tokenPath("%30%30000000-0000-4000-8000-000000000000"));
    expect(escaped.status()).toBe(401);
    expectApiAnswer(escaped, "well-formed escape");
  });
});
