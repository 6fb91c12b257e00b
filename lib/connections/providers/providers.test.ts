// Contract tests: each adapter against its provider's simulator, every documented answer and error.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInyoSimulator, type StartedInyoSimulator } from "@/simulators/inyo/index";
import { startNoyoSimulator, type StartedNoyoSimulator } from "@/simulators/noyo/index";
import { startNuvySimulator, type StartedNuvySimulator } from "@/simulators/nuvy/index";
import { startOAuth2Simulator, type StartedOAuth2Simulator } from "@/simulators/oauth2/index";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import { guardedLookup, outboundRequest, providerUrlProblem } from "@/lib/http/outbound";
import { providerAdapter, type ProviderError, type TokenRequestConfig } from "./index";

const secret = (name: string) => {
  const value = `${name}-${crypto.randomUUID()}`;
  rememberSecret(value);
  return value;
};

function cfg(
  partial: Partial<TokenRequestConfig> & Pick<TokenRequestConfig, "provider" | "tokenUrl" | "clientId">,
): TokenRequestConfig {
  return { apiBaseUrl: null, scope: null, credentialsIn: "basic", bodyEncoding: "form", ...partial };
}

async function failure(promise: Promise<{ ok: true } | { ok: false; error: ProviderError }>): Promise<ProviderError> {
  const result = await promise;
  if (result.ok) throw new Error("expected a failure");
  keepOutput("provider-errors.txt", result.error.message);
  return result.error;
}

describe("Noyo adapter", () => {
  let sim: StartedNoyoSimulator;
  const clientId = `noyo-${crypto.randomUUID()}`;
  const clientSecret = secret("noyo-secret");
  beforeAll(async () => {
    sim = await startNoyoSimulator({ clients: [{ clientId, clientSecret }] });
  });
  afterAll(() => sim.close());
  const noyo = providerAdapter("NOYO");
  const conf = () => cfg({ provider: "NOYO", tokenUrl: sim.tokenUrl, apiBaseUrl: sim.apiBaseUrl, clientId });

  it("gets a token and takes the shortest lifetime (JWT exp 10 min vs expires_in 864000 as ms)", async () => {
    const now = Date.now();
    const result = await noyo.fetchToken(conf(), clientSecret, { now: () => now });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    rememberSecret(result.data.accessToken);
    expect(result.data.tokenType).toBe("Bearer");
    const lifetime = result.data.expiresAt.getTime() - now;
    expect(lifetime).toBeLessThanOrEqual(600_000);
    expect(lifetime).toBeGreaterThan(590_000);
    // The token works on the documented check.
    const groups = await outboundRequest(`${sim.apiBaseUrl}/api/v1/groups`, {
      method: "GET",
      headers: { authorization: `Bearer ${result.data.accessToken}` },
    });
    expect(groups.status).toBe(200);
  });

  it("reads expires_in as milliseconds when that is the shortest", async () => {
    const short = await startNoyoSimulator({ clients: [{ clientId, clientSecret }], expiresIn: 90_000 });
    try {
      const now = Date.now();
      const result = await noyo.fetchToken({ ...conf(), tokenUrl: short.tokenUrl }, clientSecret, { now: () => now });
      if (!result.ok) throw result.error;
      rememberSecret(result.data.accessToken);
      expect(result.data.expiresAt.getTime() - now).toBe(90_000);
    } finally {
      await short.close();
    }
  });

  it("caps a longer JWT at 10 minutes", async () => {
    const long = await startNoyoSimulator({
      clients: [{ clientId, clientSecret }],
      tokenLifetimeSeconds: 3600,
      expiresIn: "milliseconds",
    });
    try {
      const now = Date.now();
      const result = await noyo.fetchToken({ ...conf(), tokenUrl: long.tokenUrl }, clientSecret, { now: () => now });
      if (!result.ok) throw result.error;
      rememberSecret(result.data.accessToken);
      expect(result.data.expiresAt.getTime() - now).toBe(600_000);
    } finally {
      await long.close();
    }
  });

  it("explains rejected credentials with code 16", async () => {
    const e = await failure(noyo.fetchToken(conf(), "wrong-secret-value"));
    expect(e.kind).toBe("credentials");
    expect(e.message).toBe(
      "Noyo rejected the credentials (401, code 16: JWT validation failed: Missing or invalid credentials)",
    );
  });

  it("reports planned downtime (503) with Retry-After", async () => {
    sim.setFaults({ failNext: 1, status: 503, retryAfterSeconds: 7 }, "token");
    const e = await failure(noyo.fetchToken(conf(), clientSecret));
    expect(e.kind).toBe("unavailable");
    expect(e.retryAfterMs).toBe(7000);
    expect(e.message).toContain("Noyo is unavailable (503");
    expect(e.message).toContain("retry after 7 s");
    sim.reset();
  });

  it("reports a 429 as rate-limited and a 500 as unavailable", async () => {
    sim.setFaults({ failNext: 1, status: 429, retryAfterSeconds: 2 }, "token");
    expect((await failure(noyo.fetchToken(conf(), clientSecret))).kind).toBe("rate-limited");
    sim.setFaults({ failNext: 1, status: 500 }, "token");
    expect((await failure(noyo.fetchToken(conf(), clientSecret))).kind).toBe("unavailable");
    sim.reset();
  });

  it("refuses a malformed 200 without echoing the body", async () => {
    sim.setFaults({ malformedNext: 1 }, "token");
    const e = await failure(noyo.fetchToken(conf(), clientSecret));
    expect(e.kind).toBe("bad-response");
    expect(e.message).toBe("Noyo answered 200 with a body that is not JSON");
    sim.reset();
  });

  it("times out on a provider that never answers", async () => {
    sim.setFaults({ timeoutNext: 1, hangMs: 5000 }, "token");
    const e = await failure(noyo.fetchToken(conf(), clientSecret, { timeoutMs: 300 }));
    expect(e.kind).toBe("timeout");
    sim.reset();
  });

  it("describes the documented API errors (missing, malformed, expired JWT)", async () => {
    const missing = await outboundRequest(`${sim.apiBaseUrl}/api/v1/groups`, { method: "GET" });
    expect(noyo.describeApiError(missing.status, missing.text)).toBe(
      "Noyo refused the token (401, code 16: JWT validation failed: Missing or invalid credentials)",
    );
    const bad = await outboundRequest(`${sim.apiBaseUrl}/api/v1/groups`, {
      method: "GET",
      headers: { authorization: "Bearer abc.def.ghi" },
    });
    expect(noyo.describeApiError(bad.status, bad.text)).toContain("cannot be validated with any of the public keys");
    const expired = JSON.stringify({
      code: 16,
      message: "JWT validation failed: TIME_CONSTRAINT_FAILURE",
      details: [],
    });
    expect(noyo.describeApiError(401, expired)).toBe(
      "Noyo refused the token (401, code 16: JWT validation failed: TIME_CONSTRAINT_FAILURE)",
    );
  });
});

describe("Inyo adapter", () => {
  let sim: StartedInyoSimulator;
  const clientId = `inyo-${crypto.randomUUID()}`;
  const clientSecret = secret("inyo-secret");
  beforeAll(async () => {
    sim = await startInyoSimulator({ clients: [{ clientId, clientSecret }], tokenRateLimitPerMinute: 3 });
  });
  afterAll(() => sim.close());
  const inyo = providerAdapter("INYO");
  const conf = () => cfg({ provider: "INYO", tokenUrl: sim.tokenUrl, clientId });

  it("gets a token from the camelCase answer (expiresIn seconds)", async () => {
    const now = Date.now();
    const result = await inyo.fetchToken(conf(), clientSecret, { now: () => now });
    if (!result.ok) throw result.error;
    rememberSecret(result.data.accessToken);
    expect(result.data.tokenType).toBe("Bearer");
    expect(result.data.expiresAt.getTime() - now).toBeGreaterThan(3590_000);
  });

  it("explains SE_001", async () => {
    const e = await failure(inyo.fetchToken(conf(), "wrong-secret-value"));
    expect(e.kind).toBe("credentials");
    expect(e.message).toBe("Inyo rejected the credentials (401, SE_001: Unauthorized request)");
  });

  it("reports the token rate limit (429) with Retry-After", async () => {
    sim.reset();
    for (let i = 0; i < 3; i++) {
      const r = await inyo.fetchToken(conf(), clientSecret);
      if (r.ok) rememberSecret(r.data.accessToken);
    }
    const e = await failure(inyo.fetchToken(conf(), clientSecret));
    expect(e.kind).toBe("rate-limited");
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.message).toContain(
      "Inyo is limiting requests (429, SE_429: Too many requests; 60 token requests a minute allowed",
    );
    sim.reset();
  });

  it("refuses a malformed answer", async () => {
    sim.setFaults({ malformedNext: 1 }, "token");
    expect((await failure(inyo.fetchToken(conf(), clientSecret))).kind).toBe("bad-response");
    sim.reset();
  });
});

describe("Nuvy adapter", () => {
  let sim: StartedNuvySimulator;
  const clientId = `nuvy-${crypto.randomUUID()}`;
  const clientSecret = secret("nuvy-secret");
  beforeAll(async () => {
    sim = await startNuvySimulator({ clients: [{ clientId, clientSecret }] });
  });
  afterAll(() => sim.close());
  const nuvy = providerAdapter("NUVY");
  const conf = () => cfg({ provider: "NUVY", tokenUrl: sim.tokenUrl, clientId });

  it("gets a token with Basic auth and a form body", async () => {
    const result = await nuvy.fetchToken(conf(), clientSecret);
    if (!result.ok) throw result.error;
    rememberSecret(result.data.accessToken);
    expect(result.data.tokenType).toBe("Bearer");
  });

  it("explains 401 (wrong credentials) and 400 (grant_type)", async () => {
    const e401 = await failure(nuvy.fetchToken(conf(), "wrong-secret-value"));
    expect(e401.kind).toBe("credentials");
    expect(e401.message).toBe("Nuvy rejected the credentials (401: invalid_client): verify the client id and secret");
    sim.setFaults({ failNext: 1, status: 400 }, "token");
    const e400 = await failure(nuvy.fetchToken(conf(), clientSecret));
    expect(e400.kind).toBe("bad-request");
    expect(e400.message).toContain("the grant_type must be client_credentials");
    sim.reset();
  });
});

describe("standard OAuth2 adapter", () => {
  let sim: StartedOAuth2Simulator;
  const clientId = `oauth2-${crypto.randomUUID()}`;
  const clientSecret = secret("oauth2 secret+/=");
  const lockedId = `locked-${crypto.randomUUID()}`;
  beforeAll(async () => {
    sim = await startOAuth2Simulator({
      clients: [
        { clientId, clientSecret },
        { clientId: lockedId, clientSecret, grantAllowed: false },
      ],
    });
  });
  afterAll(() => sim.close());
  const oauth2 = providerAdapter("OAUTH2");
  const conf = (p: Partial<TokenRequestConfig> = {}) =>
    cfg({ provider: "OAUTH2", tokenUrl: sim.tokenUrl, clientId, ...p });

  it("client_secret_basic with a form body (RFC 6749 §2.3.1 encoding)", async () => {
    const result = await oauth2.fetchToken(conf({ scope: "read" }), clientSecret);
    if (!result.ok) throw result.error;
    rememberSecret(result.data.accessToken);
  });

  it("client_secret_post", async () => {
    const result = await oauth2.fetchToken(conf({ credentialsIn: "body" }), clientSecret);
    if (!result.ok) throw result.error;
    rememberSecret(result.data.accessToken);
  });

  it("JSON body when the server wants it, and a clear 400 when the encodings disagree", async () => {
    sim.setBodyEncoding("json");
    try {
      const result = await oauth2.fetchToken(conf({ bodyEncoding: "json", credentialsIn: "body" }), clientSecret);
      if (!result.ok) throw result.error;
      rememberSecret(result.data.accessToken);
      const e = await failure(oauth2.fetchToken(conf(), clientSecret));
      expect(e.kind).toBe("bad-request");
      expect(e.message).toContain("invalid_request – Content-Type must be application/json");
    } finally {
      sim.setBodyEncoding("form");
    }
  });

  it("explains invalid_client (401), unauthorized_client (403) and invalid_scope (400)", async () => {
    const e401 = await failure(oauth2.fetchToken(conf(), "wrong-secret-value"));
    expect(e401.message).toBe("The OAuth2 server rejected the credentials (401: invalid_client)");
    const e403 = await failure(oauth2.fetchToken(conf({ clientId: lockedId }), clientSecret));
    expect(e403.kind).toBe("forbidden");
    expect(e403.message).toContain("403: unauthorized_client");
    const e400 = await failure(oauth2.fetchToken(conf({ scope: "admin" }), clientSecret));
    expect(e400.message).toContain("invalid_scope – unknown scope: admin): check the scope");
  });
});

describe("outbound safety", () => {
  it("requires https and refuses private addresses (loopback http only with the insecure switch)", () => {
    const strict = { allowInsecure: false };
    expect(providerUrlProblem("http://example.com/token", strict)).toBe("must start with https://");
    expect(providerUrlProblem("https://127.0.0.1/token", strict)).toContain("private");
    expect(providerUrlProblem("https://169.254.169.254/latest", strict)).toContain("private");
    expect(providerUrlProblem("https://[::1]/token", strict)).toContain("private");
    expect(providerUrlProblem("https://10.1.2.3/token", strict)).toContain("private");
    expect(providerUrlProblem("https://localhost/token", strict)).toContain("private");
    expect(providerUrlProblem("https://accounts.noyo.com/auth/public/token", strict)).toBeNull();
    expect(providerUrlProblem("http://127.0.0.1:4011/x", { allowInsecure: true })).toBeNull();
    expect(providerUrlProblem("http://example.com/x", { allowInsecure: true })).toContain("loopback");
  });

  it("refuses, at connect time, a name that resolves to loopback when not allowed", async () => {
    const lookup = (allowInsecure: boolean) =>
      new Promise<string>((resolve, reject) =>
        guardedLookup({ allowInsecure })("localhost", { family: 4 }, (error, address) =>
          error ? reject(error) : resolve(String(address)),
        ),
      );
    await expect(lookup(false)).rejects.toMatchObject({ kind: "unsafe-url" });
    await expect(lookup(true)).resolves.toBe("127.0.0.1");
  });

  it("does not follow redirects", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(
        outboundRequest(`http://127.0.0.1:${port}/token`, { method: "POST", body: "x" }),
      ).rejects.toMatchObject({ kind: "redirect", status: 302 });
    } finally {
      server.close();
    }
  });
});
