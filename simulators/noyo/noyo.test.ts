import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { basicHeader, createManualClock } from "../client-credentials/index";
import {
  NOYO_DEFAULT_CLIENT,
  NOYO_DOC_EXPIRES_IN,
  startNoyoSimulator,
  type NoyoSimulatorOptions,
  type StartedNoyoSimulator,
} from "./index";

const { clientId, clientSecret } = NOYO_DEFAULT_CLIENT;
const DEBUG_INFO = { "@type": "type.googleapis.com/google.rpc.DebugInfo", stackEntries: [], detail: "auth" };
const MISSING = { code: 16, message: "JWT validation failed: Missing or invalid credentials", details: [DEBUG_INFO] };
const CANNOT_VALIDATE = {
  code: 16,
  message: "JWT validation failed: The JWT cannot be validated with any of the public keys.",
  details: [DEBUG_INFO],
};
const EXPIRED = { code: 16, message: "JWT validation failed: TIME_CONSTRAINT_FAILURE", details: [DEBUG_INFO] };

let sim: StartedNoyoSimulator;
let clock: ReturnType<typeof createManualClock>;

async function start(opts: NoyoSimulatorOptions = {}): Promise<StartedNoyoSimulator> {
  await sim?.close();
  sim = await startNoyoSimulator({ clock: clock.now, ...opts });
  return sim;
}

beforeEach(async () => {
  clock = createManualClock();
  sim = await startNoyoSimulator({ clock: clock.now });
});
afterEach(async () => {
  await sim.close();
});

function tokenRequest(init: { auth?: string; contentType?: string; body?: string; method?: string } = {}) {
  const headers: Record<string, string> = {};
  const auth = init.auth ?? basicHeader(clientId, clientSecret);
  if (auth) headers.authorization = auth;
  const contentType = init.contentType ?? "application/json";
  if (contentType) headers["content-type"] = contentType;
  const method = init.method ?? "POST";
  return fetch(sim.tokenUrl, {
    method,
    headers,
    body: method === "GET" ? undefined : (init.body ?? JSON.stringify({ grant_type: "client_credentials" })),
  });
}

async function getToken(): Promise<string> {
  const res = await tokenRequest();
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

function groups(token?: string) {
  return fetch(`${sim.apiBaseUrl}/api/v1/groups`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

describe("Noyo token endpoint", () => {
  it("issues a signed JWT with the documented answer shape and the doc's expires_in", async () => {
    const res = await tokenRequest();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(NOYO_DOC_EXPIRES_IN);
    const token = String(body.access_token);
    expect(decodeProtectedHeader(token).alg).toBe("RS256");
    const claims = decodeJwt(token);
    expect(claims.sub).toBe(clientId);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    expect(claims.iat).toBe(Math.floor(clock.now() / 1000));
  });

  it("makes the lifetime and the expires_in reading configurable", async () => {
    await start({ tokenLifetimeSeconds: 3, expiresIn: "milliseconds" });
    const res = await tokenRequest();
    const body = (await res.json()) as { access_token: string; expires_in: number };
    expect(body.expires_in).toBe(3000);
    const claims = decodeJwt(body.access_token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3);

    await start({ tokenLifetimeSeconds: 5, expiresIn: "seconds" });
    expect(((await (await tokenRequest()).json()) as { expires_in: number }).expires_in).toBe(5);
  });

  it("answers the documented 401 for missing, malformed, unknown and wrong credentials", async () => {
    for (const auth of [
      "",
      "Basic !!!",
      `Bearer ${"x".repeat(10)}`,
      basicHeader(clientId, "wrong-secret"),
      basicHeader("nobody", clientSecret),
    ]) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (auth) headers.authorization = auth;
      const res = await fetch(sim.tokenUrl, { method: "POST", headers, body: '{"grant_type":"client_credentials"}' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(MISSING);
    }
  });

  it("refuses the wrong method, content type, body and grant_type", async () => {
    const get = await tokenRequest({ method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(((await get.json()) as { code: number }).code).toBe(12);

    const form = await tokenRequest({
      contentType: "application/x-www-form-urlencoded",
      body: "grant_type=client_credentials",
    });
    expect(form.status).toBe(400);
    expect(((await form.json()) as { code: number }).code).toBe(3);

    const notJson = await tokenRequest({ body: "{grant_type:" });
    expect(notJson.status).toBe(400);

    for (const body of ["{}", '{"grant_type":"password"}', "[]", '"client_credentials"']) {
      const res = await tokenRequest({ body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: number }).code).toBe(3);
    }

    const counters = sim.counters();
    expect(counters.endpoints.token?.rejected).toMatchObject({
      method_not_allowed: 1,
      unsupported_content_type: 1,
      invalid_json: 1,
      unsupported_grant_type: 4,
    });
    expect(counters.tokensIssuedByClient).toEqual({});
  });

  it("answers 404 with a gRPC body for unknown paths", async () => {
    const res = await fetch(`${sim.url}/auth/token`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: number }).code).toBe(5);
    expect(sim.counters().endpoints.other?.rejected).toEqual({ not_found: 1 });
  });
});

describe("Noyo groups API", () => {
  it("answers the documented group list with a valid token", async () => {
    const res = await groups(await getToken());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { meta: { total_records: number }; response: Array<{ name: string }> };
    expect(body.meta.total_records).toBe(1);
    expect(body.response[0]?.name).toBe("Your Sandbox Group Name");
  });

  it("answers the documented 401 bodies: missing, malformed, altered, foreign, expired", async () => {
    const token = await getToken();
    const missing = await groups();
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual(MISSING);

    const basic = await fetch(`${sim.apiBaseUrl}/api/v1/groups`, {
      headers: { authorization: basicHeader(clientId, clientSecret) },
    });
    expect(await basic.json()).toEqual(MISSING);

    for (const bad of ["not-a-jwt", token.slice(0, -4), `${token.slice(0, -2)}xx`]) {
      const res = await groups(bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(CANNOT_VALIDATE);
    }

    const other = await startNoyoSimulator({ clock: clock.now });
    try {
      const foreign = await fetch(other.tokenUrl, {
        method: "POST",
        headers: { authorization: basicHeader(clientId, clientSecret), "content-type": "application/json" },
        body: '{"grant_type":"client_credentials"}',
      });
      const foreignToken = ((await foreign.json()) as { access_token: string }).access_token;
      expect(await (await groups(foreignToken)).json()).toEqual(CANNOT_VALIDATE);
    } finally {
      await other.close();
    }

    clock.advance(599_000);
    expect((await groups(token)).status).toBe(200);
    clock.advance(1_000);
    const expired = await groups(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(EXPIRED);
    expect(sim.counters().endpoints.groups?.rejected).toMatchObject({
      missing_token: 2,
      invalid_token: 4,
      expired_token: 1,
    });
  });

  it("stops accepting tokens of a removed client, and accepts clients added later", async () => {
    const token = await getToken();
    expect(sim.removeClient(clientId)).toBe(true);
    expect(await (await groups(token)).json()).toEqual(MISSING);
    expect((await tokenRequest()).status).toBe(401);

    sim.addClient("second", "s3cret:with:colons");
    const res = await tokenRequest({ auth: basicHeader("second", "s3cret:with:colons") });
    expect(res.status).toBe(200);
  });

  it("refuses other methods", async () => {
    const res = await fetch(`${sim.apiBaseUrl}/api/v1/groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${await getToken()}` },
    });
    expect(res.status).toBe(405);
  });
});

describe("Noyo faults", () => {
  it("answers 503 planned downtime with Retry-After, then recovers", async () => {
    const token = await getToken();
    sim.setFaults({ failNext: 1, status: 503, retryAfterSeconds: 120 }, "groups");
    const down = await groups(token);
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("120");
    expect(((await down.json()) as { code: number }).code).toBe(14);
    expect((await groups(token)).status).toBe(200);
  });

  it("takes faults over HTTP: 5xx for the next N token calls, 429 with Retry-After", async () => {
    const set = await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: "token", failNext: 2, status: 500 }),
    });
    expect(set.status).toBe(200);
    expect((await tokenRequest()).status).toBe(500);
    expect((await tokenRequest()).status).toBe(500);
    expect((await tokenRequest()).status).toBe(200);

    sim.setFaults({ failNext: 1, status: 429 });
    const limited = await tokenRequest();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");

    const bad = await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: "nope", failNext: 1 }),
    });
    expect(bad.status).toBe(400);
  });

  it("answers malformed JSON, delays, hangs and forced 401s when told to", async () => {
    sim.setFaults({ malformedNext: 1 }, "token");
    const malformed = await tokenRequest();
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();

    const token = await getToken();
    sim.setFaults({ unauthorizedNext: 2 });
    expect(await (await groups(token)).json()).toEqual(MISSING);
    expect((await groups(token)).status).toBe(401);
    expect((await groups(token)).status).toBe(200);
    // API-only fault: the token endpoint is never affected by it.
    sim.setFaults({ unauthorizedNext: 1 });
    expect((await tokenRequest()).status).toBe(200);
    sim.reset();

    sim.setFaults({ delayMs: 150 }, "groups");
    const started = performance.now();
    expect((await groups(token)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    sim.setFaults({ delayMs: 0 }, "groups");

    sim.setFaults({ timeoutNext: 1, hangMs: 100 }, "token");
    await expect(tokenRequest()).rejects.toThrow();
    expect((await tokenRequest()).status).toBe(200);
    expect(sim.counters().endpoints.token?.rejected).toMatchObject({ fault_timeout: 1 });
  });

  it("lets a client time out on a hanging call, and close() does not wait for it", async () => {
    sim.setFaults({ timeoutNext: 1, hangMs: 60_000 }, "token");
    const call = fetch(sim.tokenUrl, {
      method: "POST",
      headers: { authorization: basicHeader(clientId, clientSecret), "content-type": "application/json" },
      body: '{"grant_type":"client_credentials"}',
      signal: AbortSignal.timeout(200),
    });
    await expect(call).rejects.toThrow();
    const started = performance.now();
    await sim.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("Noyo counters and control", () => {
  it("counts token requests per client (any outcome), issued tokens and API calls", async () => {
    await getToken();
    await tokenRequest({ auth: basicHeader(clientId, "wrong") });
    await tokenRequest({ auth: basicHeader("stranger", "x") });
    sim.setFaults({ failNext: 1, status: 502 }, "token");
    await tokenRequest();
    const token = await getToken();
    await groups(token);
    await groups();

    const counters = sim.counters();
    expect(counters.tokenRequestsByClient).toEqual({ [clientId]: 4, stranger: 1 });
    expect(counters.tokensIssuedByClient).toEqual({ [clientId]: 2 });
    expect(counters.apiCallsByClient).toEqual({ [clientId]: 1 });
    expect(counters.endpoints.token).toEqual({
      received: 5,
      succeeded: 2,
      rejected: { invalid_credentials: 2, fault_502: 1 },
    });
    expect(counters.endpoints.groups).toEqual({ received: 2, succeeded: 1, rejected: { missing_token: 1 } });

    const overHttp = await (await fetch(`${sim.url}/__sim/counters`)).json();
    expect(overHttp).toEqual(counters);

    const reset = await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect(sim.counters()).toEqual({
      endpoints: {},
      tokenRequestsByClient: {},
      tokensIssuedByClient: {},
      apiCallsByClient: {},
    });
    expect(sim.faults().global.retryAfterSeconds).toBe(1);
  });

  it("manages clients over /__sim/clients without revealing secrets", async () => {
    const add = await fetch(`${sim.url}/__sim/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: "added", clientSecret: "added-secret" }),
    });
    expect(add.status).toBe(200);
    const list = await (await fetch(`${sim.url}/__sim/clients`)).text();
    expect(list).toContain("added");
    expect(list).not.toContain("added-secret");
    expect((await tokenRequest({ auth: basicHeader("added", "added-secret") })).status).toBe(200);

    const invalid = await fetch(`${sim.url}/__sim/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: "x" }),
    });
    expect(invalid.status).toBe(400);

    const del = await fetch(`${sim.url}/__sim/clients/added`, { method: "DELETE" });
    expect(await del.json()).toEqual({ removed: true });
    expect((await tokenRequest({ auth: basicHeader("added", "added-secret") })).status).toBe(401);
  });
});
