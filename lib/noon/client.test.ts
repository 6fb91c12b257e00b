// The Noon client against the simulator: the login JWT (exactly sub/iat/jti, RS256), the User-Agent,
// the session cookies reused, a re-login on 401 without resending, and no retry once a request may have reached Noon.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rememberSecret } from "@/tests/support/secret-scan";
import { outboundRequest } from "@/lib/http/outbound";
import { NoonClient, NOON_MAX_ANSWER_BYTES, NOON_USER_AGENT } from "./client";
import { rememberIssued, startHarness, type Harness } from "@/tests/support/noon-harness";

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
    const recording: typeof outboundRequest = async (url, req, policy) => {
      seen.push({ body: req.body ?? "", ua: req.headers?.["user-agent"] });
      return outboundRequest(url, req, policy);
    };
    const client = new NoonClient({ ...h.noon, send: recording });
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

  for (const stage of ["create", "exchange"] as const) {
    it(`on a 401 at token/${stage} logs in again, fails this request without resending, and the next one works`, async () => {
      const client = new NoonClient({ ...h.noon });
      const helper = new NoonClient({ ...h.noon }); // redeems codes for the exchange case, with its own session
      expect((await client.ensureSession()).ok).toBe(true);
      expect((await helper.ensureSession()).ok).toBe(true);
      h.sim.setFaults({ expireSessionNext: 1 }, stage);
      const before = { login: h.sim.counters.get("login").received, call: h.sim.counters.get(stage).received };
      const code = h.sim.issueAuthorizationCode();
      rememberSecret(code);
      const call = async (value: string) => {
        if (stage === "create") return client.createToken(value);
        const created = await helper.createToken(value);
        if (!created.ok) throw new Error(created.error.message);
        rememberSecret(created.data.accessToken);
        return client.exchangeToken(created.data.accessToken);
      };
      const result = await call(code);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({
          stage: stage === "create" ? "token_create" : "token_exchange",
          kind: "session_expired",
          httpStatus: 401,
        });
        expect(result.error.message).toMatch(/signed in again.*not sent a second time.*start the connection again/);
      }
      // The value went to Noon exactly once; the re-login happened at once, so the next request needs none.
      expect(h.sim.counters.get(stage).received - before.call).toBe(1);
      expect(h.sim.counters.get("login").received - before.login).toBe(1);
      expect(client.hasSession).toBe(true);
      const next = h.sim.issueAuthorizationCode();
      rememberSecret(next);
      expect((await call(next)).ok).toBe(true);
      expect(h.sim.counters.get("login").received - before.login).toBe(1);
      h.sim.faults.reset();
      rememberIssued(h.sim);
    });
  }

  it("says so when the re-login after a 401 fails too, still without resending", async () => {
    const client = new NoonClient({ ...h.noon });
    expect((await client.ensureSession()).ok).toBe(true);
    h.sim.setFaults({ expireSessionNext: 1 }, "create");
    h.sim.setFaults({ failNext: 1, status: 503 }, "login");
    const before = h.sim.counters.get("create").received;
    const code = h.sim.issueAuthorizationCode();
    rememberSecret(code);
    const result = await client.createToken(code);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatchObject({ stage: "token_create", kind: "session_expired", httpStatus: 401 });
      expect(result.error.message).toMatch(/signing in again failed as well/);
    }
    expect(h.sim.counters.get("create").received - before).toBe(1);
    h.sim.faults.reset();
  });

  it("retries only when nothing could be sent (connection refused), then reports a network failure", async () => {
    // A port that was just free: connecting is refused.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const attempts: number[] = [];
    const counting: typeof outboundRequest = async (url, req, policy) => {
      attempts.push(Date.now());
      return outboundRequest(url, req, policy);
    };
    const client = new NoonClient({ ...h.noon, apiUrl: `http://127.0.0.1:${port}`, send: counting });
    const result = await client.createToken("never-sent-code");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ stage: "login", kind: "network" });
    expect(attempts).toHaveLength(3);
  });

  it("refuses an answer larger than Noon ever sends (the outbound size cap)", async () => {
    // A gateway gone wrong: 200 with an endless body. The outbound size cap stops it.
    let written = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, " ");
      const pump = () => {
        while (written < 10 * NOON_MAX_ANSWER_BYTES) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end("{}");
      };
      res.on("error", () => undefined);
      pump();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      const client = new NoonClient({ ...h.noon, apiUrl: `http://127.0.0.1:${port}` });
      const result = await client.ensureSession();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ stage: "login", kind: "malformed", httpStatus: 200 });
        expect(result.error.message).toMatch(/larger than 64 KiB/);
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
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
      expect(result.error).toMatchObject({
        stage: "token_create",
        httpStatus: 400,
        providerMessage: "invalid authorization code",
      });
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
