import { createPrivateKey, createPublicKey, randomUUID, sign, verify } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startNoonSimulator, type StartedNoonSimulator } from "./index";

const UA = "SellerOnboarding/1.0.0 (simulator test)";
const REDIRECT = "http://127.0.0.1:9/api/noon/callback";

let clock = Date.now();
let sim: StartedNoonSimulator;

beforeAll(async () => {
  sim = await startNoonSimulator({ redirectUri: REDIRECT, now: () => clock });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  clock = Date.now();
  sim.reset();
});

async function loginJwt(claims: Record<string, unknown> = {}, key = sim.integratorKey.private_key): Promise<string> {
  const base = { sub: sim.integratorKey.key_id, iat: Math.floor(clock / 1000), jti: randomUUID() };
  return new SignJWT({ ...base, ...claims })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .sign(createPrivateKey(key));
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": UA, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Logs in and returns the Cookie header to send with later calls. */
async function login(): Promise<string> {
  const res = await post("/identity/public/v1/api/login", {
    token: await loginJwt(),
    default_project_code: sim.integratorKey.project_code,
  });
  expect(res.status).toBe(200);
  const cookies = res.headers.getSetCookie();
  expect(cookies).toHaveLength(2);
  for (const c of cookies) expect(c).toMatch(/HttpOnly/);
  return cookies.map((c) => c.split(";")[0]).join("; ");
}

async function approve(state: string, projectCode?: string): Promise<URL> {
  const page = await fetch(
    `${sim.authorizeUrl}?client_id=${encodeURIComponent(sim.clientId)}&state=${encodeURIComponent(state)}`,
  );
  expect(page.status).toBe(200);
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const prefilled = /name="project_code" value="([^"]+)"/.exec(html)?.[1];
  expect(requestId).toBeTruthy();
  expect(prefilled).toMatch(/^PRJ\d{5}$/);
  const res = await fetch(`${sim.url}/authorize/decision`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      request_id: requestId ?? "",
      project_code: projectCode ?? prefilled ?? "",
      decision: "approve",
    }),
  });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location") ?? "");
}

async function createToken(cookie: string, code: string, overrides: Record<string, unknown> = {}): Promise<Response> {
  return post(
    "/identity/oauth/v1/token/create",
    { grant_type: "authorization_code", code, client_id: sim.clientId, client_secret: sim.clientSecret, ...overrides },
    { cookie },
  );
}

describe("Noon simulator: consent page", () => {
  it("serves a labelled, accessible consent page", async () => {
    const res = await fetch(`${sim.authorizeUrl}?client_id=${sim.clientId}&state=s1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("Noon simulator — not the real Noon");
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).toContain('name="viewport"');
    expect(html).toMatch(/<label for="project-code">/);
    expect(html).toMatch(/<button type="submit"[^>]*value="approve">Approve<\/button>/);
    expect(html).toMatch(/<button type="submit"[^>]*value="decline"[^>]*>Decline<\/button>/);
    expect(html).toContain('action="/authorize/decision"');
  });

  it("speaks Arabic, right to left, when ui_locales, the app's language cookie or Accept-Language asks for it", async () => {
    const url = `${sim.authorizeUrl}?client_id=${sim.clientId}&state=s-ar`;
    for (const init of [
      { url: `${url}&ui_locales=ar`, headers: {} as Record<string, string> },
      { url, headers: { cookie: "a=1; NEXT_LOCALE=ar" } },
      { url, headers: { "accept-language": "ar-EG,ar;q=0.9,en;q=0.5" } },
    ]) {
      const html = await (await fetch(init.url, { headers: init.headers })).text();
      expect(html).toContain('<html lang="ar" dir="rtl">');
      expect(html).toContain("محاكي نون — ليس نون الحقيقي");
      expect(html).toMatch(/value="approve">موافقة<\/button>/);
      expect(html).toContain(`<bdi dir="ltr"><code>${sim.clientId}</code></bdi>`);
    }
    const english = await (
      await fetch(`${url}&ui_locales=en`, { headers: { cookie: "NEXT_LOCALE=ar", "accept-language": "ar" } })
    ).text();
    expect(english).toContain('<html lang="en" dir="ltr">');
    // The form remembers the language: a wrong project code is explained in Arabic.
    const page = await (await fetch(`${url}&ui_locales=ar`)).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const wrong = await fetch(`${sim.url}/authorize/decision`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision: "approve", project_code: "nope", ui_locales: "ar" }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("أدخل رمز مشروع");
  });

  it("refuses unknown client_id, missing state, duplicate parameters and wrong methods", async () => {
    expect((await fetch(`${sim.authorizeUrl}?client_id=nope&state=s`)).status).toBe(400);
    expect((await fetch(`${sim.authorizeUrl}?client_id=${sim.clientId}`)).status).toBe(400);
    expect((await fetch(`${sim.authorizeUrl}?state=s`)).status).toBe(400);
    expect((await fetch(`${sim.authorizeUrl}?client_id=${sim.clientId}&state=a&state=b`)).status).toBe(400);
    expect((await fetch(sim.authorizeUrl, { method: "POST" })).status).toBe(405);
    const counts = sim.counters.get("authorize");
    expect(counts.received).toBe(5);
    expect(counts.rejected).toMatchObject({
      unknown_client: 1,
      missing_state: 1,
      missing_client_id: 1,
      duplicate_param: 1,
      method: 1,
    });
  });

  it("approve redirects with a fresh code and the state; decline with access_denied", async () => {
    const approved = await approve("state-ä/1", "PRJ12345");
    expect(`${approved.origin}${approved.pathname}`).toBe(REDIRECT);
    expect(approved.searchParams.get("state")).toBe("state-ä/1");
    const code = approved.searchParams.get("code") ?? "";
    expect(code.length).toBeGreaterThanOrEqual(32);
    expect(sim.state.codes.get(code)?.projectCode).toBe("PRJ12345");

    const page = await (await fetch(`${sim.authorizeUrl}?client_id=${sim.clientId}&state=st2`)).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const res = await fetch(`${sim.url}/authorize/decision`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision: "decline" }),
    });
    expect(res.status).toBe(303);
    const declined = new URL(res.headers.get("location") ?? "");
    expect(declined.searchParams.get("error")).toBe("access_denied");
    expect(declined.searchParams.get("error_description")).toBeTruthy();
    expect(declined.searchParams.get("state")).toBe("st2");
    expect(declined.searchParams.has("code")).toBe(false);

    // The consent request is single use.
    const again = await fetch(`${sim.url}/authorize/decision`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision: "approve", project_code: "PRJ12345" }),
    });
    expect(again.status).toBe(400);
  });

  it("re-renders the form when the project code is invalid", async () => {
    const page = await (await fetch(`${sim.authorizeUrl}?client_id=${sim.clientId}&state=s`)).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const res = await fetch(`${sim.url}/authorize/decision`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision: "approve", project_code: "<b>x" }),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('role="alert"');
    expect(html).not.toContain("<b>x");
  });
});

describe("Noon simulator: integrator login", () => {
  it("logs in with a correctly signed JWT and answers whoami", async () => {
    const cookie = await login();
    expect(cookie).toMatch(/_npsid=[^;]+; _nprtnetid=/);
    const res = await fetch(`${sim.url}/identity/v1/whoami`, { headers: { cookie, "user-agent": UA } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      user_code: sim.integratorKey.user_code,
      username: sim.integratorKey.channel_identifier,
    });
    expect((await fetch(`${sim.url}/identity/v1/whoami`, { headers: { "user-agent": UA } })).status).toBe(401);
    // Both cookies are needed.
    const onlySid = cookie.split("; ")[0] ?? "";
    expect(
      (await fetch(`${sim.url}/identity/v1/whoami`, { headers: { cookie: onlySid, "user-agent": UA } })).status,
    ).toBe(401);
  });

  it("refuses extra claims, replayed jti, wrong keys, bad iat and missing User-Agent", async () => {
    const body = async (claims: Record<string, unknown>, key?: string) => ({
      token: await loginJwt(claims, key),
      default_project_code: sim.integratorKey.project_code,
    });
    const path = "/identity/public/v1/api/login";
    expect((await post(path, await body({ exp: Math.floor(clock / 1000) + 60 }))).status).toBe(401);
    expect((await post(path, await body({ iss: "me" }))).status).toBe(401);
    expect((await post(path, await body({ iat: Math.floor(clock / 1000) - 3600 }))).status).toBe(401);
    expect((await post(path, await body({ iat: Math.floor(clock / 1000) + 3600 }))).status).toBe(401);
    expect((await post(path, await body({ iat: clock / 1000 + 0.5 }))).status).toBe(401);
    expect((await post(path, await body({ jti: "not-a-uuid" }))).status).toBe(401);
    expect((await post(path, await body({ sub: "other-key" }))).status).toBe(401);

    const other = await startNoonSimulator({ redirectUri: REDIRECT });
    try {
      expect((await post(path, await body({}, other.integratorKey.private_key))).status).toBe(401);
    } finally {
      await other.close();
    }

    const jti = randomUUID();
    expect((await post(path, await body({ jti }))).status).toBe(200);
    expect((await post(path, await body({ jti }))).status).toBe(401);

    // Node's fetch sends "User-Agent: node" unless told otherwise: that names no application.
    const defaultUa = await fetch(`${sim.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(await body({})),
    });
    expect(defaultUa.status).toBe(403);
    expect((await post(path, await body({}), { "user-agent": "" })).status).toBe(403);
    expect((await post(path, JSON.stringify(await body({})), { "content-type": "text/plain" })).status).toBe(415);
    expect((await post(path, "{not json")).status).toBe(400);
    expect((await post(path, { token: await loginJwt() })).status).toBe(400);
    expect((await post(path, { token: await loginJwt(), default_project_code: "PRJ00000" })).status).toBe(403);

    const counts = sim.counters.get("login");
    expect(counts.succeeded).toBe(1);
    expect(counts.rejected).toMatchObject({
      unexpected_claims: 2,
      iat_too_old: 1,
      iat_in_future: 1,
      bad_iat: 1,
      bad_jti: 1,
      bad_sub: 1,
      bad_signature: 1,
      jti_reused: 1,
      user_agent: 2,
      content_type: 1,
      body_invalid_json: 1,
      missing_project_code: 1,
      project_denied: 1,
    });
  });

  it("answers errors as JSON with a message", async () => {
    const res = await post("/identity/oauth/v1/token/create", {});
    expect(res.status).toBe(401);
    const body = (await res.json()) as { code: number; message: string };
    expect(body.code).toBe(16);
    expect(typeof body.message).toBe("string");
  });
});

describe("Noon simulator: seller authorization end to end", () => {
  it("approve → login → token/create → token/exchange issues a fresh, working seller key", async () => {
    const cookie = await login();
    const callback = await approve(randomUUID(), "PRJ54321");
    const code = callback.searchParams.get("code") ?? "";

    const created = await createToken(cookie, code);
    expect(created.status).toBe(200);
    const token = (await created.json()) as Record<string, unknown>;
    expect(Object.keys(token).sort()).toEqual(["access_token", "expires_in", "project_code", "scopes", "token_type"]);
    expect(token).toMatchObject({
      token_type: "TOKEN_TYPE_BEARER",
      expires_in: "3600s",
      scopes: ["access:grant"],
      project_code: "PRJ54321",
    });
    expect(String(token.access_token)).toMatch(/^eyJhbGciOiJSUzI1NiIs[\w-]*\.[\w-]+\.[\w-]+$/);

    // The code is single use.
    const reused = await createToken(cookie, code);
    expect(reused.status).toBe(400);

    const exchanged = await post("/identity/oauth/v1/token/exchange", { access_token: token.access_token }, { cookie });
    expect(exchanged.status).toBe(200);
    const ex = (await exchanged.json()) as {
      status: { code: number };
      project_code: string;
      oauth_request_id: string;
      result: Record<string, string>;
    };
    expect(ex.status).toEqual({ code: 0 });
    expect(ex.project_code).toBe("PRJ54321");
    expect(ex.oauth_request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const result = ex.result;
    expect(Object.keys(result).sort()).toEqual([
      "channel_identifier",
      "issued_at",
      "key_id",
      "private_key",
      "project_code",
      "type",
    ]);
    expect(result.type).toBe("apijwt");
    expect(result.project_code).toBe("PRJ54321");
    expect(result.issued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(result.private_key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);

    const issued = sim.state.issuedKeys.get(result.key_id ?? "");
    expect(issued?.privateKeyPem).toBe(result.private_key);
    expect(result.private_key).not.toBe(sim.integratorKey.private_key);
    // The issued key is a real RSA key matching the recorded public key.
    const data = Buffer.from("probe");
    const signature = sign("sha256", data, createPrivateKey(result.private_key ?? ""));
    expect(verify("sha256", data, createPublicKey(issued?.publicKeyPem ?? ""), signature)).toBe(true);

    // The access token is single use.
    const again = await post("/identity/oauth/v1/token/exchange", { access_token: token.access_token }, { cookie });
    expect(again.status).toBe(401);
    expect(sim.counters.get("exchange")).toMatchObject({ received: 2, succeeded: 1, rejected: { token_used: 1 } });
  });

  it("every exchange issues a different key", async () => {
    const cookie = await login();
    const keys = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const code = sim.issueAuthorizationCode({ projectCode: "PRJ11111" });
      const token = (await (await createToken(cookie, code)).json()) as { access_token: string };
      const ex = (await (
        await post("/identity/oauth/v1/token/exchange", { access_token: token.access_token }, { cookie })
      ).json()) as {
        result: { private_key: string };
      };
      keys.add(ex.result.private_key);
    }
    expect(keys.size).toBe(2);
    expect(sim.state.issuedKeys.size).toBe(2);
  });

  it("accepts logins with a seller key it issued, for that key's project only, until the key is revoked", async () => {
    const cookie = await login();
    const code = sim.issueAuthorizationCode({ projectCode: "PRJ22222" });
    const token = (await (await createToken(cookie, code)).json()) as { access_token: string };
    const ex = (await (
      await post("/identity/oauth/v1/token/exchange", { access_token: token.access_token }, { cookie })
    ).json()) as {
      result: { key_id: string; private_key: string };
    };
    const sellerJwt = (claims: Record<string, unknown> = {}, key = ex.result.private_key) =>
      loginJwt({ sub: ex.result.key_id, ...claims }, key);
    const path = "/identity/public/v1/api/login";

    const ok = await post(path, { token: await sellerJwt(), default_project_code: "PRJ22222" });
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie()).toHaveLength(2);
    // Another project, the integrator's key under the seller's key id, an extra claim: refused.
    expect(
      (await post(path, { token: await sellerJwt(), default_project_code: sim.integratorKey.project_code })).status,
    ).toBe(403);
    expect(
      (
        await post(path, {
          token: await sellerJwt({}, sim.integratorKey.private_key),
          default_project_code: "PRJ22222",
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await post(path, {
          token: await sellerJwt({ exp: Math.floor(clock / 1000) + 60 }),
          default_project_code: "PRJ22222",
        })
      ).status,
    ).toBe(401);
    expect(
      (await post(path, { token: await sellerJwt({ sub: "not-a-key" }), default_project_code: "PRJ22222" })).status,
    ).toBe(401);

    const revoke = await fetch(`${sim.url}/__sim/keys/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ keyId: ex.result.key_id }),
    });
    expect(await revoke.json()).toEqual({ revoked: [ex.result.key_id] });
    const refused = await post(path, { token: await sellerJwt(), default_project_code: "PRJ22222" });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: "invalid token: the key has been deactivated" });
    expect(sim.counters.get("login").rejected).toMatchObject({
      key_revoked: 1,
      project_denied: 1,
      bad_signature: 1,
      unexpected_claims: 1,
      bad_sub: 1,
    });
    const listed = (await (await fetch(`${sim.url}/__sim/issued-keys`)).json()) as {
      keys: { keyId: string; revoked: boolean }[];
    };
    expect(listed.keys).toEqual([expect.objectContaining({ keyId: ex.result.key_id, revoked: true })]);
    const page = await (await fetch(`${sim.url}/__sim/keys`)).text();
    expect(page).toContain(ex.result.key_id);
    expect(page).not.toContain("PRIVATE KEY");
    expect(
      (await fetch(`${sim.url}/__sim/keys/revoke`, { method: "POST", body: JSON.stringify({ keyId: "nope" }) })).status,
    ).toBe(404);
  });

  it("token/create refuses without session, bad secret, wrong grant, expired or foreign codes", async () => {
    const code = sim.issueAuthorizationCode();
    expect((await createToken("", code)).status).toBe(401);
    const cookie = await login();
    expect((await createToken(cookie, code, { client_secret: "wrong" })).status).toBe(401);
    expect((await createToken(cookie, code, { client_id: "other" })).status).toBe(401);
    expect((await createToken(cookie, code, { grant_type: "client_credentials" })).status).toBe(400);
    expect((await createToken(cookie, code, { code: undefined })).status).toBe(400);
    expect((await createToken(cookie, "unknown-code")).status).toBe(400);
    const noJson = await post(
      "/identity/oauth/v1/token/create",
      JSON.stringify({
        grant_type: "authorization_code",
        code,
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
      }),
      { cookie, "content-type": "application/x-www-form-urlencoded" },
    );
    expect(noJson.status).toBe(415);

    const foreign = sim.issueAuthorizationCode({ clientId: "someone-else" });
    expect((await createToken(cookie, foreign)).status).toBe(400);

    clock += 10 * 60 * 1000 + 1;
    expect((await createToken(cookie, code)).status).toBe(400);
    expect(sim.counters.get("create").rejected).toMatchObject({
      session: 1,
      bad_client: 2,
      bad_grant_type: 1,
      missing_field: 1,
      code_unknown: 1,
      content_type: 1,
      code_client_mismatch: 1,
      code_expired: 1,
    });
  });

  it("access tokens expire after one hour", async () => {
    const cookie = await login();
    const token = (await (await createToken(cookie, sim.issueAuthorizationCode())).json()) as { access_token: string };
    clock += 60 * 60 * 1000 + 1;
    // The session (30 days) is still valid; only the token is stale.
    const res = await post("/identity/oauth/v1/token/exchange", { access_token: token.access_token }, { cookie });
    expect(res.status).toBe(401);
    expect(sim.counters.get("exchange").rejected).toMatchObject({ token_expired: 1 });
  });
});

describe("Noon simulator: faults and control API", () => {
  it("fails the next N create calls with 5xx, then recovers (via /__sim/faults)", async () => {
    const cookie = await login();
    const set = await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "create", failNext: 2, status: 503 }),
    });
    expect(set.status).toBe(200);
    const code = sim.issueAuthorizationCode();
    expect((await createToken(cookie, code)).status).toBe(503);
    expect((await createToken(cookie, code)).status).toBe(503);
    expect((await createToken(cookie, code)).status).toBe(200);
    const counters = (await (await fetch(`${sim.url}/__sim/counters`)).json()) as Record<
      string,
      { received: number; rejected: Record<string, number> }
    >;
    expect(counters.create?.received).toBe(3);
    expect(counters.create?.rejected.fault_fail).toBe(2);
  });

  it("exchange can answer status.code != 0, malformed and incomplete bodies", async () => {
    const cookie = await login();
    const tokenFor = async () =>
      ((await (await createToken(cookie, sim.issueAuthorizationCode())).json()) as { access_token: string })
        .access_token;

    sim.setFaults({ statusErrorNext: 1 }, "exchange");
    const failed = await post("/identity/oauth/v1/token/exchange", { access_token: await tokenFor() }, { cookie });
    expect(failed.status).toBe(200);
    const body = (await failed.json()) as { status: { code: number }; result?: unknown };
    expect(body.status.code).not.toBe(0);
    expect(body.result).toBeUndefined();

    sim.setFaults({ malformedNext: 1 }, "exchange");
    const garbled = await post("/identity/oauth/v1/token/exchange", { access_token: await tokenFor() }, { cookie });
    expect(garbled.status).toBe(200);
    await expect(garbled.clone().json()).rejects.toThrow();

    sim.setFaults({ incompleteNext: 1 }, "exchange");
    const partial = await post("/identity/oauth/v1/token/exchange", { access_token: await tokenFor() }, { cookie });
    expect(partial.status).toBe(200);
    expect(((await partial.json()) as { result?: unknown }).result).toBeUndefined();
    // The key behind the garbled and incomplete answers was issued on the simulated Noon side.
    expect(sim.state.issuedKeys.size).toBe(2);
  });

  it("times out (hangs, then drops the connection) and delays", async () => {
    sim.setFaults({ timeoutNext: 1, hangMs: 200 }, "whoami");
    const cookie = await login();
    const started = Date.now();
    await expect(fetch(`${sim.url}/identity/v1/whoami`, { headers: { cookie, "user-agent": UA } })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);

    await expect(
      fetch(`${sim.url}/identity/v1/whoami`, {
        headers: { cookie, "user-agent": UA },
        signal: AbortSignal.timeout(100),
      }),
    ).resolves.toHaveProperty("status", 200);

    sim.setFaults({ delayMs: 150 }, "whoami");
    const t0 = Date.now();
    expect((await fetch(`${sim.url}/identity/v1/whoami`, { headers: { cookie, "user-agent": UA } })).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("expires the session on demand; a fresh login works", async () => {
    const cookie = await login();
    sim.setFaults({ expireSessionNext: 1 });
    const code = sim.issueAuthorizationCode();
    const res = await createToken(cookie, code);
    expect(res.status).toBe(401);
    // The session is gone for good, as if it expired.
    expect((await createToken(cookie, code)).status).toBe(401);
    const fresh = await login();
    expect((await createToken(fresh, code)).status).toBe(200);
    expect(sim.counters.get("create").rejected).toMatchObject({ fault_session_expired: 1, session: 1 });

    sim.expireSessions();
    expect(
      (await fetch(`${sim.url}/identity/v1/whoami`, { headers: { cookie: fresh, "user-agent": UA } })).status,
    ).toBe(401);
  });

  it("validates fault bodies and resets everything", async () => {
    expect(
      (
        await fetch(`${sim.url}/__sim/faults`, {
          method: "POST",
          body: JSON.stringify({ endpoint: "nope", failNext: 1 }),
        })
      ).status,
    ).toBe(400);
    expect(
      (await fetch(`${sim.url}/__sim/faults`, { method: "POST", body: JSON.stringify({ failNext: -1 }) })).status,
    ).toBe(400);
    expect(
      (
        await fetch(`${sim.url}/__sim/faults`, {
          method: "POST",
          body: JSON.stringify({ endpoints: { login: { failNext: 1 } } }),
        })
      ).status,
    ).toBe(200);
    expect((await post("/identity/public/v1/api/login", {})).status).toBe(500);
    expect((await fetch(`${sim.url}/__sim/reset`, { method: "POST" })).status).toBe(200);
    expect(sim.counters.snapshot()).toEqual({});
    expect(sim.faults.snapshot().endpoints).toEqual({});
    expect((await fetch(`${sim.url}/__sim/counters`, { method: "POST" })).status).toBe(405);
  });
});
