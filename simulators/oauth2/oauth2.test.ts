import { decodeJwt } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  OAUTH2_DEFAULT_CLIENT,
  startOAuth2Simulator,
  type OAuth2SimulatorOptions,
  type StartedOAuth2Simulator,
} from "./index";
import { basicHeader, createManualClock, parseBasicAuth, parseForm } from "../client-credentials/index";

const { clientId, clientSecret } = OAUTH2_DEFAULT_CLIENT;
const FORM = "application/x-www-form-urlencoded";

let sim: StartedOAuth2Simulator;
let clock: ReturnType<typeof createManualClock>;

async function start(opts: OAuth2SimulatorOptions = {}): Promise<void> {
  await sim.close();
  sim = await startOAuth2Simulator({ clock: clock.now, ...opts });
}

beforeEach(async () => {
  clock = createManualClock();
  sim = await startOAuth2Simulator({ clock: clock.now });
});
afterEach(async () => {
  await sim.close();
});

type Req = { auth?: string | null; contentType?: string; body?: string | Record<string, string>; method?: string };

function tokenRequest(init: Req = {}) {
  const headers: Record<string, string> = {};
  const auth = init.auth === undefined ? basicHeader(clientId, clientSecret, { formEncode: true }) : init.auth;
  if (auth) headers.authorization = auth;
  const contentType = init.contentType ?? FORM;
  headers["content-type"] = contentType;
  const method = init.method ?? "POST";
  const raw = init.body ?? { grant_type: "client_credentials" };
  const body =
    typeof raw === "string"
      ? raw
      : contentType === "application/json"
        ? JSON.stringify(raw)
        : new URLSearchParams(raw).toString();
  return fetch(sim.tokenUrl, { method, headers, body: method === "GET" ? undefined : body });
}

async function expectError(res: Response, status: number, error: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(((await res.json()) as { error: string }).error).toBe(error);
}

function ping(token?: string) {
  return fetch(`${sim.apiBaseUrl}/api/ping`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

describe("OAuth2 token endpoint (RFC 6749 §4.4)", () => {
  it("issues a token with client_secret_basic, no-store headers and the granted scope", async () => {
    const res = await tokenRequest();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("pragma")).toBe("no-cache");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "read write" });
    const claims = decodeJwt(String(body.access_token));
    expect(claims.sub).toBe(clientId);
    expect(claims.scope).toBe("read write");
    expect(sim.tokenUrl.endsWith("/oauth/v2/token")).toBe(true);
  });

  it("accepts client_secret_post", async () => {
    const res = await tokenRequest({
      auth: null,
      body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope: "read" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scope: string }).scope).toBe("read");
  });

  it("form-decodes Basic credentials (RFC 6749 §2.3.1)", async () => {
    sim.addClient("id with space", "p@ss+w%rd:x");
    const encoded = await tokenRequest({ auth: basicHeader("id with space", "p@ss+w%rd:x", { formEncode: true }) });
    expect(encoded.status).toBe(200);
    // Sent raw, "+" and "%rd" are not what the client registered.
    const raw = await tokenRequest({ auth: basicHeader("id with space", "p@ss+w%rd:x") });
    expect(raw.status).toBe(401);
  });

  it("allows only the auth methods configured for a client", async () => {
    sim.addClient("basic-only", "b-secret", { authMethods: ["client_secret_basic"] });
    sim.addClient("post-only", "p-secret", { authMethods: ["client_secret_post"] });
    expect((await tokenRequest({ auth: basicHeader("basic-only", "b-secret") })).status).toBe(200);
    await expectError(
      await tokenRequest({
        auth: null,
        body: { grant_type: "client_credentials", client_id: "basic-only", client_secret: "b-secret" },
      }),
      401,
      "invalid_client",
    );
    const basicForPostOnly = await tokenRequest({ auth: basicHeader("post-only", "p-secret") });
    expect(basicForPostOnly.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    await expectError(basicForPostOnly, 401, "invalid_client");
    expect(
      (
        await tokenRequest({
          auth: null,
          body: { grant_type: "client_credentials", client_id: "post-only", client_secret: "p-secret" },
        })
      ).status,
    ).toBe(200);
  });

  it("answers 401 invalid_client with WWW-Authenticate for bad Basic credentials", async () => {
    for (const auth of [
      basicHeader(clientId, "wrong"),
      basicHeader("unknown", clientSecret),
      "Basic %%%",
      "Bearer abc",
    ]) {
      const res = await tokenRequest({ auth });
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="oauth2-simulator"');
      await expectError(res, 401, "invalid_client");
    }
    const none = await tokenRequest({ auth: null });
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic/);
    await expectError(none, 401, "invalid_client");

    const badPost = await tokenRequest({
      auth: null,
      body: { grant_type: "client_credentials", client_id: clientId, client_secret: "wrong" },
    });
    expect(badPost.headers.get("www-authenticate")).toBeNull();
    await expectError(badPost, 401, "invalid_client");
    const idOnly = await tokenRequest({ auth: null, body: { grant_type: "client_credentials", client_id: clientId } });
    await expectError(idOnly, 401, "invalid_client");
  });

  it("refuses two client authentication methods, or a client_id that contradicts the header", async () => {
    await expectError(
      await tokenRequest({
        body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
      }),
      400,
      "invalid_request",
    );
    await expectError(
      await tokenRequest({ body: { grant_type: "client_credentials", client_id: "someone" } }),
      400,
      "invalid_request",
    );
    expect((await tokenRequest({ body: { grant_type: "client_credentials", client_id: clientId } })).status).toBe(200);
  });

  it("answers invalid_request / unsupported_grant_type for grant problems and duplicates", async () => {
    await expectError(await tokenRequest({ body: {} }), 400, "invalid_request");
    await expectError(await tokenRequest({ body: { grant_type: "password" } }), 400, "unsupported_grant_type");
    await expectError(
      await tokenRequest({ body: "grant_type=client_credentials&grant_type=client_credentials" }),
      400,
      "invalid_request",
    );
    await expectError(
      await tokenRequest({ body: "grant_type=client_credentials&scope=read&scope=write" }),
      400,
      "invalid_request",
    );
  });

  it("checks scopes: unknown → 400 invalid_scope, not permitted → 403", async () => {
    sim.addClient("reader", "r-secret", { scopes: ["read"] });
    const reader = basicHeader("reader", "r-secret");
    await expectError(
      await tokenRequest({ body: { grant_type: "client_credentials", scope: "read admin" } }),
      400,
      "invalid_scope",
    );
    await expectError(
      await tokenRequest({ auth: reader, body: { grant_type: "client_credentials", scope: "write" } }),
      403,
      "unauthorized_client",
    );
    const defaults = await tokenRequest({ auth: reader });
    expect(((await defaults.json()) as { scope: string }).scope).toBe("read");

    sim.addClient("locked", "l-secret", { grantAllowed: false });
    await expectError(await tokenRequest({ auth: basicHeader("locked", "l-secret") }), 403, "unauthorized_client");
    expect(sim.counters().endpoints.token?.rejected).toMatchObject({
      invalid_scope: 1,
      scope_not_permitted: 1,
      grant_not_allowed: 1,
    });
  });

  it("requires the configured body encoding: form by default, JSON when switched", async () => {
    await expectError(
      await tokenRequest({ contentType: "application/json", body: { grant_type: "client_credentials" } }),
      400,
      "invalid_request",
    );
    sim.setBodyEncoding("json");
    expect(
      (await tokenRequest({ contentType: "application/json", body: { grant_type: "client_credentials" } })).status,
    ).toBe(200);
    await expectError(await tokenRequest(), 400, "invalid_request");
    await expectError(await tokenRequest({ contentType: "application/json", body: "{oops" }), 400, "invalid_request");
    await expectError(
      await tokenRequest({
        contentType: "application/json",
        body: '{"grant_type":"client_credentials","scope":["read"]}',
      }),
      400,
      "invalid_request",
    );
    expect(
      (
        await tokenRequest({
          auth: null,
          contentType: "application/json",
          body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
        })
      ).status,
    ).toBe(200);

    const viaHttp = await fetch(`${sim.url}/__sim/config`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ bodyEncoding: "form" }),
    });
    expect(await viaHttp.json()).toEqual({ bodyEncoding: "form" });
    expect(sim.bodyEncoding()).toBe("form");
    expect((await tokenRequest()).status).toBe(200);
    const invalid = await fetch(`${sim.url}/__sim/config`, {
      method: "POST",
      body: JSON.stringify({ bodyEncoding: "xml" }),
    });
    expect(invalid.status).toBe(400);

    await start({ bodyEncoding: "json" });
    expect(
      (await tokenRequest({ contentType: "application/json", body: { grant_type: "client_credentials" } })).status,
    ).toBe(200);
  });

  it("refuses other methods with 405", async () => {
    const res = await tokenRequest({ method: "GET" });
    expect(res.headers.get("allow")).toBe("POST");
    await expectError(res, 405, "invalid_request");
  });
});

describe("OAuth2 protected API", () => {
  it("answers ping for a valid token and RFC 6750 errors otherwise", async () => {
    const token = ((await (await tokenRequest()).json()) as { access_token: string }).access_token;
    const ok = await ping(token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ pong: true, clientId, scope: "read write" });

    const missing = await ping();
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="oauth2-simulator"');

    const invalid = await ping("abc.def.ghi");
    expect(invalid.status).toBe(401);
    expect(invalid.headers.get("www-authenticate")).toContain('error="invalid_token"');

    clock.advance(3_600_000);
    const expired = await ping(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ error: "invalid_token", error_description: "the access token expired" });
  });

  it("answers 403 insufficient_scope when the ping scope is missing from the token", async () => {
    await start({ pingScope: "write" });
    const readOnly = (
      (await (await tokenRequest({ body: { grant_type: "client_credentials", scope: "read" } })).json()) as {
        access_token: string;
      }
    ).access_token;
    const res = await ping(readOnly);
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('error="insufficient_scope", scope="write"');
    const full = ((await (await tokenRequest()).json()) as { access_token: string }).access_token;
    expect((await ping(full)).status).toBe(200);
  });
});

describe("OAuth2 faults and counters", () => {
  it("injects faults on either endpoint and counts per client", async () => {
    sim.setFaults({ failNext: 1, status: 503, retryAfterSeconds: 4 }, "token");
    const down = await tokenRequest();
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("4");
    expect(await down.json()).toEqual({ error: "temporarily_unavailable" });

    sim.setFaults({ failNext: 1, status: 429 }, "token");
    const slow = await tokenRequest();
    expect(slow.status).toBe(429);
    expect(slow.headers.get("retry-after")).toBe("4");

    sim.setFaults({ malformedNext: 1 }, "token");
    const malformed = await tokenRequest();
    expect(malformed.headers.get("cache-control")).toBe("no-store");
    await expect(malformed.json()).rejects.toThrow();

    const token = ((await (await tokenRequest()).json()) as { access_token: string }).access_token;
    sim.setFaults({ unauthorizedNext: 1, forbiddenNext: 1 });
    expect((await ping(token)).status).toBe(401);
    expect((await ping(token)).status).toBe(403);
    expect((await ping(token)).status).toBe(200);

    sim.setFaults({ timeoutNext: 1, hangMs: 50 }, "ping");
    await expect(ping(token)).rejects.toThrow();

    await tokenRequest({
      auth: null,
      body: { grant_type: "client_credentials", client_id: "via-post", client_secret: "x" },
    });

    const counters = sim.counters();
    expect(counters.tokenRequestsByClient).toEqual({ [clientId]: 4, "via-post": 1 });
    expect(counters.tokensIssuedByClient).toEqual({ [clientId]: 2 });
    expect(counters.apiCallsByClient).toEqual({ [clientId]: 1 });
    expect(counters.endpoints.ping?.rejected).toEqual({ fault_401: 1, fault_403: 1, fault_timeout: 1 });
    expect(await (await fetch(`${sim.url}/__sim/counters`)).json()).toEqual(counters);

    const faults = await (await fetch(`${sim.url}/__sim/faults`)).json();
    expect(faults).toHaveProperty("global");
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
    expect(sim.counters().tokenRequestsByClient).toEqual({});
  });

  it("adds clients with options over /__sim/clients", async () => {
    const add = await fetch(`${sim.url}/__sim/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        clientId: "c2",
        clientSecret: "c2-secret",
        authMethods: ["client_secret_post"],
        scopes: ["read"],
      }),
    });
    expect(add.status).toBe(200);
    const res = await tokenRequest({
      auth: null,
      body: { grant_type: "client_credentials", client_id: "c2", client_secret: "c2-secret" },
    });
    expect(((await res.json()) as { scope: string }).scope).toBe("read");
    const bad = await fetch(`${sim.url}/__sim/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: "c3", clientSecret: "x", authMethods: ["private_key_jwt"] }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("client-credentials request parsing", () => {
  it("parses Basic headers strictly", () => {
    expect(parseBasicAuth(undefined)).toEqual({ kind: "none" });
    expect(parseBasicAuth("Basic")).toEqual({ kind: "malformed" });
    expect(parseBasicAuth(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toEqual({ kind: "malformed" });
    expect(parseBasicAuth(`Basic ${Buffer.from(":secret").toString("base64")}`)).toEqual({ kind: "malformed" });
    expect(parseBasicAuth(`bAsIc ${Buffer.from("a:b:c").toString("base64")}`)).toEqual({
      kind: "ok",
      clientId: "a",
      clientSecret: "b:c",
    });
    expect(parseBasicAuth(`Basic ${Buffer.from("a%ZZ:b").toString("base64")}`, { formDecode: true })).toEqual({
      kind: "malformed",
    });
    expect(parseBasicAuth("Digest abc")).toEqual({ kind: "other_scheme" });
  });

  it("notes repeated form parameters", () => {
    const form = parseForm("a=1&b=2&a=3&a=4");
    expect(form.params.get("a")).toBe("1");
    expect(form.duplicates).toEqual(["a"]);
  });
});
