import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../client-credentials/index";
import { INYO_DEFAULT_CLIENT, startInyoSimulator, type InyoSimulatorOptions, type StartedInyoSimulator } from "./index";
import { RollingWindowLimiter } from "./rate-limit";

const { clientId, clientSecret } = INYO_DEFAULT_CLIENT;
const UNAUTHORIZED = { status: 401, message: "Unauthorized request", responseCode: "SE_001" };

let sim: StartedInyoSimulator;
let clock: ReturnType<typeof createManualClock>;

async function start(opts: InyoSimulatorOptions = {}): Promise<void> {
  await sim.close();
  sim = await startInyoSimulator({ clock: clock.now, ...opts });
}

beforeEach(async () => {
  clock = createManualClock();
  sim = await startInyoSimulator({ clock: clock.now });
});
afterEach(async () => {
  await sim.close();
});

function tokenRequest(
  body: unknown = { clientId, secretId: clientSecret },
  init: { contentType?: string; method?: string } = {},
) {
  const method = init.method ?? "POST";
  return fetch(sim.tokenUrl, {
    method,
    headers: { "content-type": init.contentType ?? "application/json" },
    body: method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function getToken(): Promise<string> {
  const res = await tokenRequest();
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

function fxRates(token?: string) {
  return fetch(`${sim.apiBaseUrl}/v1/fx-rates`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

describe("Inyo token endpoint", () => {
  it("answers {accessToken, tokenType, expiresIn} with an RS256 JWT", async () => {
    const res = await tokenRequest();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["accessToken", "expiresIn", "tokenType"]);
    expect(body.tokenType).toBe("Bearer");
    expect(body.expiresIn).toBe(3600);
    const token = String(body.accessToken);
    expect(decodeProtectedHeader(token).alg).toBe("RS256");
    const claims = decodeJwt(token);
    expect(claims.sub).toBe(clientId);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it("uses a configurable lifetime", async () => {
    await start({ tokenLifetimeSeconds: 2 });
    expect(((await (await tokenRequest()).json()) as { expiresIn: number }).expiresIn).toBe(2);
  });

  it("answers the documented 401 for wrong, unknown and missing credentials", async () => {
    for (const body of [
      { clientId, secretId: "wrong" },
      { clientId: "nobody", secretId: clientSecret },
      { clientId },
      { secretId: clientSecret },
      { client_id: clientId, client_secret: clientSecret },
      { clientId, secretId: 42 },
      {},
    ]) {
      const res = await tokenRequest(body);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
  });

  it("refuses the wrong method, content type and body", async () => {
    const get = await tokenRequest(undefined, { method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");

    const form = await tokenRequest(`clientId=${clientId}&secretId=${clientSecret}`, {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(415);
    expect(await form.json()).toEqual({ status: 415, message: "Unsupported media type", responseCode: "SE_415" });

    for (const body of ["{not json", "[]", '"x"']) {
      const res = await tokenRequest(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { responseCode: string }).responseCode).toBe("SE_400");
    }
    expect(sim.counters().tokensIssuedByClient).toEqual({});
  });
});

describe("Inyo rate limits", () => {
  it("allows 60 token requests per client per rolling minute, then 429 with Retry-After", async () => {
    for (let i = 0; i < 60; i += 1) {
      expect((await tokenRequest()).status).toBe(200);
    }
    const limited = await tokenRequest();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.json()).toEqual({ status: 429, message: "Too many requests", responseCode: "SE_429" });

    // Another client has its own window; wrong secrets count against the window too.
    sim.addClient("other", "other-secret");
    expect((await tokenRequest({ clientId: "other", secretId: "other-secret" })).status).toBe(200);

    clock.advance(30_000);
    const later = await tokenRequest();
    expect(later.status).toBe(429);
    expect(later.headers.get("retry-after")).toBe("30");
    clock.advance(30_000);
    expect((await tokenRequest()).status).toBe(200);

    const counters = sim.counters();
    expect(counters.tokenRequestsByClient[clientId]).toBe(63);
    expect(counters.tokensIssuedByClient[clientId]).toBe(61);
    expect(counters.endpoints.token?.rejected).toEqual({ rate_limited: 2 });
  });

  it("counts failed credential attempts in the window and frees it on reset", async () => {
    await start({ tokenRateLimitPerMinute: 3 });
    expect((await tokenRequest({ clientId, secretId: "wrong" })).status).toBe(401);
    expect((await tokenRequest()).status).toBe(200);
    expect((await tokenRequest()).status).toBe(200);
    expect((await tokenRequest()).status).toBe(429);
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
    expect((await tokenRequest()).status).toBe(200);
  });

  it("limits FX-rate calls per client", async () => {
    await start({ fxRatesRateLimitPerMinute: 2 });
    const token = await getToken();
    expect((await fxRates(token)).status).toBe(200);
    expect((await fxRates(token)).status).toBe(200);
    const limited = await fxRates(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    clock.advance(60_000);
    expect((await fxRates(token)).status).toBe(200);
  });

  it("rolls the window per call (unit)", () => {
    const c = createManualClock(0);
    const limiter = new RollingWindowLimiter(2, 1_000, c.now);
    expect(limiter.take("a")).toEqual({ allowed: true });
    c.advance(400);
    expect(limiter.take("a")).toEqual({ allowed: true });
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take("b")).toEqual({ allowed: true });
    c.advance(601);
    expect(limiter.take("a")).toEqual({ allowed: true });
    expect(() => new RollingWindowLimiter(0, 1_000, c.now)).toThrow();
  });
});

describe("Inyo FX-rates API", () => {
  it("answers rates with a valid token and the documented 401 otherwise", async () => {
    const token = await getToken();
    const ok = await fxRates(token);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { baseCurrency: string; rates: unknown[] };
    expect(body.baseCurrency).toBe("USD");
    expect(body.rates.length).toBeGreaterThan(0);

    for (const bad of [undefined, "garbage", `${token.slice(0, -3)}abc`]) {
      const res = await fxRates(bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(UNAUTHORIZED);
    }
    clock.advance(3_600_000);
    const expired = await fxRates(token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual(UNAUTHORIZED);
    expect(sim.counters().endpoints.fxRates?.rejected).toEqual({
      missing_token: 1,
      invalid_token: 2,
      expired_token: 1,
    });
    expect((await fetch(`${sim.apiBaseUrl}/v1/fx-rates`, { method: "DELETE" })).status).toBe(405);
  });
});

describe("Inyo faults and counters", () => {
  it("injects 5xx, 503 + Retry-After, malformed JSON, 401 and 403 on API calls, delays", async () => {
    sim.setFaults({ failNext: 1, status: 503, retryAfterSeconds: 7 }, "token");
    const down = await tokenRequest();
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("7");
    expect(await down.json()).toEqual({ status: 503, message: "Service unavailable", responseCode: "SE_503" });

    await fetch(`${sim.url}/__sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ global: { failNext: 1, status: 502 } }),
    });
    expect((await tokenRequest()).status).toBe(502);

    sim.setFaults({ malformedNext: 1 }, "token");
    const malformed = await tokenRequest();
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();

    const token = await getToken();
    sim.setFaults({ unauthorizedNext: 1, forbiddenNext: 1 }, "fxRates");
    const u = await fxRates(token);
    expect(u.status).toBe(401);
    expect(await u.json()).toEqual(UNAUTHORIZED);
    const f = await fxRates(token);
    expect(f.status).toBe(403);
    expect(((await f.json()) as { responseCode: string }).responseCode).toBe("SE_403");
    expect((await fxRates(token)).status).toBe(200);

    sim.setFaults({ delayMs: 120 });
    const started = performance.now();
    expect((await fxRates(token)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    sim.setFaults({ delayMs: 0 });

    sim.setFaults({ timeoutNext: 1, hangMs: 50 });
    await expect(fxRates(token)).rejects.toThrow();

    const counters = sim.counters();
    expect(counters.endpoints.token?.rejected).toEqual({ fault_503: 1, fault_502: 1 });
    expect(counters.endpoints.fxRates?.rejected).toEqual({ fault_401: 1, fault_403: 1, fault_timeout: 1 });
    expect(counters.apiCallsByClient).toEqual({ [clientId]: 2 });
    expect(counters.tokenRequestsByClient).toEqual({ [clientId]: 4 });
    expect(await (await fetch(`${sim.url}/__sim/counters`)).json()).toEqual(counters);
  });

  it("manages clients over /__sim/clients", async () => {
    await fetch(`${sim.url}/__sim/clients`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: "new", clientSecret: "new-secret" }),
    });
    expect((await tokenRequest({ clientId: "new", secretId: "new-secret" })).status).toBe(200);
    await fetch(`${sim.url}/__sim/clients/new`, { method: "DELETE" });
    expect((await tokenRequest({ clientId: "new", secretId: "new-secret" })).status).toBe(401);
    const notFound = await fetch(`${sim.url}/v2/payment`);
    expect(notFound.status).toBe(404);
  });
});
