import { decodeJwt } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { basicHeader, createManualClock } from "../client-credentials/index";
import { NUVY_DEFAULT_CLIENT, startNuvySimulator, type StartedNuvySimulator } from "./index";

const { clientId, clientSecret } = NUVY_DEFAULT_CLIENT;
const FORM = "application/x-www-form-urlencoded";

let sim: StartedNuvySimulator;
let clock: ReturnType<typeof createManualClock>;

beforeEach(async () => {
  clock = createManualClock();
  sim = await startNuvySimulator({ clock: clock.now, tokenLifetimeSeconds: 300 });
});
afterEach(async () => {
  await sim.close();
});

function tokenRequest(init: { auth?: string; contentType?: string; body?: string; method?: string } = {}) {
  const headers: Record<string, string> = {};
  const auth = init.auth ?? basicHeader(clientId, clientSecret);
  if (auth) headers.authorization = auth;
  const contentType = init.contentType ?? FORM;
  if (contentType) headers["content-type"] = contentType;
  const method = init.method ?? "POST";
  return fetch(sim.tokenUrl, {
    method,
    headers,
    body: method === "GET" ? undefined : (init.body ?? "grant_type=client_credentials"),
  });
}

async function getToken(): Promise<string> {
  const res = await tokenRequest();
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function ping(token?: string) {
  return fetch(`${sim.apiBaseUrl}/v1/ping`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

describe("Nuvy token endpoint", () => {
  it("issues {access_token, token_type, expires_in} in seconds", async () => {
    const res = await tokenRequest();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "token_type"]);
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(300);
    const claims = decodeJwt(String(body.access_token));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
    expect(sim.tokenUrl.endsWith("/oauth2/token")).toBe(true);
  });

  it("answers 400 for a missing or wrong grant_type", async () => {
    for (const [body, error] of [
      ["", "invalid_request"],
      ["grant_type=", "invalid_request"],
      ["scope=x", "invalid_request"],
      ["grant_type=password", "unsupported_grant_type"],
      ["grant_type=authorization_code", "unsupported_grant_type"],
    ] as const) {
      const res = await tokenRequest({ body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(error);
    }
    const dup = await tokenRequest({ body: "grant_type=client_credentials&grant_type=client_credentials" });
    expect(dup.status).toBe(400);
  });

  it("answers 401 invalid_client for wrong, unknown, missing or credentials sent in the body", async () => {
    for (const auth of [
      "",
      basicHeader(clientId, "nope"),
      basicHeader("who", clientSecret),
      "Basic not*base64",
      "Bearer abc",
    ]) {
      const headers: Record<string, string> = { "content-type": FORM };
      if (auth) headers.authorization = auth;
      const res = await fetch(sim.tokenUrl, { method: "POST", headers, body: "grant_type=client_credentials" });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "invalid_client" });
    }
    const inBody = await fetch(sim.tokenUrl, {
      method: "POST",
      headers: { "content-type": FORM },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    });
    expect(inBody.status).toBe(401);
  });

  it("refuses a JSON body and other methods", async () => {
    const json = await tokenRequest({ contentType: "application/json", body: '{"grant_type":"client_credentials"}' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe("invalid_request");
    const get = await tokenRequest({ method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const charset = await tokenRequest({ contentType: `${FORM}; charset=utf-8` });
    expect(charset.status).toBe(200);
  });
});

describe("Nuvy API", () => {
  it("accepts a valid token and answers 401 for missing, invalid and expired ones", async () => {
    const token = await getToken();
    const ok = await ping(token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok", clientId });
    expect(await (await ping()).json()).toEqual({ message: "Unauthorized" });
    expect(await (await ping("x.y.z")).json()).toEqual({ message: "Unauthorized" });
    clock.advance(300_000);
    const expired = await ping(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ message: "The incoming token has expired" });
  });
});

describe("Nuvy faults and counters", () => {
  it("injects token-endpoint and API faults and counts every call", async () => {
    sim.setFaults({ failNext: 2, status: 500 }, "token");
    const first = await tokenRequest();
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({ error: "server_error" });
    expect((await tokenRequest()).status).toBe(500);
    sim.setFaults({ failNext: 1, status: 503, retryAfterSeconds: 9 }, "token");
    const down = await tokenRequest();
    expect(down.headers.get("retry-after")).toBe("9");
    expect(await down.json()).toEqual({ error: "temporarily_unavailable" });
    sim.setFaults({ failNext: 1, status: 429 });
    const slow = await tokenRequest();
    expect(slow.status).toBe(429);
    expect(slow.headers.get("retry-after")).toBe("1");

    sim.setFaults({ malformedNext: 1 }, "token");
    await expect((await tokenRequest()).json()).rejects.toThrow();

    const token = await getToken();
    await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ endpoint: "ping", unauthorizedNext: 3 }),
    });
    for (let i = 0; i < 3; i += 1) expect((await ping(token)).status).toBe(401);
    expect((await ping(token)).status).toBe(200);

    sim.setFaults({ timeoutNext: 1, hangMs: 50 }, "ping");
    await expect(ping(token)).rejects.toThrow();

    await tokenRequest({ auth: basicHeader("someone-else", "x") });

    const counters = sim.counters();
    expect(counters.tokenRequestsByClient).toEqual({ [clientId]: 6, "someone-else": 1 });
    expect(counters.tokensIssuedByClient).toEqual({ [clientId]: 2 });
    expect(counters.apiCallsByClient).toEqual({ [clientId]: 1 });
    expect(counters.endpoints.token).toEqual({
      received: 7,
      succeeded: 2,
      rejected: { fault_500: 2, fault_503: 1, fault_429: 1, invalid_credentials: 1 },
    });
    expect(counters.endpoints.ping).toEqual({
      received: 5,
      succeeded: 1,
      rejected: { fault_401: 3, fault_timeout: 1 },
    });

    sim.reset();
    expect(sim.counters().endpoints).toEqual({});
    expect((await ping(token)).status).toBe(200);
  });
});
