// The Noon client against the simulator: the login JWT (exactly sub/iat/jti, RS256), the User-Agent,
// the session cookies reused, one re-login on 401, and no retry once a request may have reached Noon.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret } from "@/tests/support/secret-scan";
import { NoonClient, NOON_USER_AGENT } from "./client";
import { rememberIssued, startHarness, type Harness } from "./test-harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("NoonClient", () => {
  it("logs in once with an RS256 JWT of exactly sub, iat, jti and reuses the session cookies", async () => {
    const seen: { body: string; ua: string | undefined }[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push({ body: typeof init?.body === "string" ? init.body : "", ua: new Headers(init?.headers).get("user-agent") ?? undefined });
      return fetch(input, init);
    };
    const client = new NoonClient({ ...h.noon, fetch: recording });
    const before = h.sim.counters.get("login").received;
    for (let i = 0; i < 3; i++) {
      const code = h.sim.issueAuthorizationCode();
      rememberSecret(code);
      const created = await client.createToken(code);
      expect(created.ok).toBe(true);
    }
    expect(h.sim.counters.get("login").received - before).toBe(1);
    const loginBody = JSON.parse(seen[0]?.body ?? "{}") as { token: string; default_project_code: string };
    rememberSecret(loginBody.token);
    expect(loginBody.default_project_code).toBe(h.sim.integratorKey.project_code);
    expect(decodeProtectedHeader(loginBody.token).alg).toBe("RS256");
    const claims = decodeJwt(loginBody.token);
    expect(Object.keys(claims).sort()).toEqual(["iat", "jti", "sub"]);
    expect(claims.sub).toBe(h.sim.integratorKey.key_id);
    expect(Number.isInteger(claims.iat)).toBe(true);
    expect(seen.every((s) => s.ua === NOON_USER_AGENT)).toBe(true);
    rememberIssued(h.sim);
  });

  it("re-logs in once on 401 and gives up on a second 401", async () => {
    const client = new NoonClient({ ...h.noon });
    expect((await client.ensureSession()).ok).toBe(true);
    h.sim.setFaults({ expireSessionNext: 2 }, "create");
    const code = h.sim.issueAuthorizationCode();
    rememberSecret(code);
    const before = { login: h.sim.counters.get("login").received, create: h.sim.counters.get("create").received };
    const result = await client.createToken(code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ stage: "token_create", httpStatus: 401 });
    expect(h.sim.counters.get("login").received - before.login).toBe(1);
    expect(h.sim.counters.get("create").received - before.create).toBe(2);
    h.sim.faults.reset();
  });

  it("retries only when nothing could be sent (connection refused), then reports a network failure", async () => {
    // A port that was just free: connecting is refused.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const attempts: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      attempts.push(Date.now());
      return fetch(input, init);
    };
    const client = new NoonClient({ ...h.noon, apiUrl: `http://127.0.0.1:${port}`, fetch: counting });
    const result = await client.createToken("never-sent-code");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ stage: "login", kind: "network" });
    expect(attempts).toHaveLength(3);
  });

  it("never retries a call that reached Noon and failed (5xx)", async () => {
    const client = new NoonClient({ ...h.noon });
    expect((await client.ensureSession()).ok).toBe(true);
    h.sim.setFaults({ failNext: 1, status: 502 }, "exchange");
    const before = h.sim.counters.get("exchange").received;
    const result = await client.exchangeToken("some-access-token-value");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ stage: "token_exchange", kind: "http", httpStatus: 502 });
    expect(h.sim.counters.get("exchange").received - before).toBe(1);
  });

  it("reports Noon's message without echoing the values it was sent", async () => {
    const client = new NoonClient({ ...h.noon });
    const result = await client.createToken("an-unknown-code-value-123456");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ stage: "token_create", httpStatus: 400, providerMessage: "invalid authorization code" });
      expect(result.error.message).not.toContain("an-unknown-code-value-123456");
    }
  });

  it("fails clearly without an integrator key", async () => {
    const client = new NoonClient({ ...h.noon, integratorKey: null });
    const result = await client.createToken("x");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ stage: "login", kind: "config" });
  });
});
