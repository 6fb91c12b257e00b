// Connection management against real PostgreSQL, the local secret store and the simulators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { db } from "@/lib/db/client";
import { secretStore } from "@/lib/secrets/index";
import { startNoyoSimulator, type StartedNoyoSimulator } from "@/simulators/noyo/index";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import { TokenBroker } from "./broker";
import {
  confirmRotation,
  createConnection,
  deleteConnection,
  documentedHostProblem,
  rotateSecret,
  setConnectionDisabled,
  testConnection,
  updateConnection,
} from "./service";
import { createTestConnection, testActor, testSecret } from "@/tests/support/connections/fixtures";

describe("connection management", () => {
  let sim: StartedNoyoSimulator;
  const clientId = `noyo-${crypto.randomUUID()}`;
  let clientSecret = testSecret("svc");
  beforeAll(async () => {
    sim = await startNoyoSimulator({ clients: [{ clientId, clientSecret }] });
  });
  afterAll(() => sim.close());
  const create = (secret = clientSecret) =>
    createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret: secret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });

  it("fills in the documented hosts and keeps the secret in the secret store only", async () => {
    const actor = testActor();
    const secret = testSecret("nuvy");
    const { id } = await createConnection(
      { provider: "NUVY", environment: "SANDBOX", name: "Nuvy QA", clientId: "nuvy-client", clientSecret: secret },
      actor,
    );
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(row.tokenUrl).toBe("https://qa.api.nuvy.ai/oauth2/token");
    expect(row.apiBaseUrl).toBe("https://qa.api.nuvy.ai");
    expect(row.secretSetBy).toBe(actor.email);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect((await secretStore().get(row.secretName ?? "")).value).toBe(secret);
    const prod = await createConnection(
      { provider: "NOYO", environment: "PRODUCTION", name: "Noyo prod", clientId: "c", clientSecret: testSecret() },
      actor,
    );
    const prodRow = await db().connection.findUniqueOrThrow({ where: { id: prod.id } });
    expect([prodRow.tokenUrl, prodRow.apiBaseUrl]).toEqual([
      "https://accounts.noyo.com/auth/public/token",
      "https://fulfillment.noyo.com",
    ]);
  });

  it("refuses unsafe URLs and a standard OAuth2 connection without a token URL, field by field", async () => {
    const base = { environment: "SANDBOX" as const, name: "x", clientId: "c", clientSecret: testSecret() };
    const http = createConnection(
      { ...base, provider: "OAUTH2", tokenUrl: "http://auth.example.com/token" },
      testActor(),
    );
    await expect(http).rejects.toBeInstanceOf(ZodError);
    await expect(http).rejects.toMatchObject({
      issues: [{ path: ["tokenUrl"], message: expect.stringContaining("http:// only for loopback") }],
    });
    await expect(createConnection({ ...base, provider: "OAUTH2" }, testActor())).rejects.toMatchObject({
      issues: [{ path: ["tokenUrl"] }],
    });
    await expect(
      createConnection({ ...base, provider: "NOYO", apiBaseUrl: "https://169.254.169.254" }, testActor()),
    ).rejects.toMatchObject({
      issues: [{ path: ["apiBaseUrl"] }],
    });
  });

  it("the bundled-simulator environment is refused where no simulator is configured", async () => {
    const input = {
      provider: "NOYO" as const,
      environment: "SIMULATOR" as const,
      name: "x",
      clientId: "c",
      clientSecret: testSecret(),
    };
    await expect(createConnection(input, testActor())).rejects.toMatchObject({
      issues: [{ path: ["environment"], message: expect.stringContaining("only in development") }],
    });
  });

  it("test connection: a fresh token and GET /api/v1/groups, with latency, in the history", async () => {
    const id = await create();
    const outcome = await testConnection(id, testActor());
    keepOutput("connection-test.txt", JSON.stringify(outcome));
    expect(outcome.ok).toBe(true);
    expect(outcome.steps.map((s) => [s.label, s.ok, s.httpStatus])).toEqual([
      ["Token request", true, 200],
      ["GET /api/v1/groups", true, 200],
    ]);
    const events = await db().connectionEvent.findMany({ where: { connectionId: id, type: "tested" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    // Bypasses the cache: a second test makes a second token request.
    const before = sim.counters().tokenRequestsByClient[clientId] ?? 0;
    await testConnection(id, testActor());
    expect(sim.counters().tokenRequestsByClient[clientId]).toBe(before + 1);
  });

  it("test connection explains a refusal", async () => {
    const id = await create(testSecret("wrong"));
    const outcome = await testConnection(id, testActor());
    keepOutput("connection-test.txt", JSON.stringify(outcome));
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toBe(
      "Token request failed: Noyo rejected the credentials (401, code 16: JWT validation failed: Missing or invalid credentials)",
    );
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(row.consecutiveFailures).toBe(1);
  });

  it("rotate: a refused secret changes nothing; an accepted one becomes current, the previous kept until confirmed", async () => {
    const id = await create();
    const broker = new TokenBroker();
    const before = await db().connection.findUniqueOrThrow({ where: { id } });

    const refused = await rotateSecret(id, { clientSecret: testSecret("bad") }, testActor(), broker);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      keepOutput("connection-rotate.txt", refused.error.userMessage);
      expect(refused.error.userMessage).toContain(
        "The new secret was not accepted, so nothing was changed: Noyo rejected the credentials (401, code 16",
      );
    }
    const unchanged = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(unchanged.secretVersionId).toBe(before.secretVersionId);
    expect(unchanged.previousSecretVersionId).toBeNull();

    // The provider issues a new secret (the old one stops working there), then we rotate.
    const next = testSecret("rotated");
    sim.addClient(clientId, next);
    clientSecret = next;
    const actor = testActor();
    const rotated = await rotateSecret(id, { clientSecret: next }, actor, broker);
    expect(rotated.ok).toBe(true);
    const after = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(after.secretVersionId).not.toBe(before.secretVersionId);
    expect(after.previousSecretVersionId).toBe(before.secretVersionId);
    expect(after.secretSetBy).toBe(actor.email);
    expect((await secretStore().get(after.secretName ?? "")).value).toBe(next);
    // The verification token is served without another request.
    const requests = sim.counters().tokenRequestsByClient[clientId] ?? 0;
    const token = await broker.getToken(id);
    expect(token.ok).toBe(true);
    if (token.ok) rememberSecret(token.data.accessToken);
    expect(sim.counters().tokenRequestsByClient[clientId]).toBe(requests);
    const audits = await db().auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => `${a.action}:${a.outcome}`)).toEqual([
      "connection.created:success",
      "connection.rotation_failed:failure",
      "connection.rotated:success",
    ]);
    expect(JSON.stringify(audits.map((a) => a.details))).not.toContain(next);

    await confirmRotation(id, actor);
    expect((await db().connection.findUniqueOrThrow({ where: { id } })).previousSecretVersionId).toBeNull();
  });

  it("disable stops tokens at once and drops the stored one; enable brings them back", async () => {
    const id = await create();
    const broker = new TokenBroker();
    // Another broker (as in another process) holding the token in memory: the change notice drops it.
    const other = new TokenBroker();
    expect((await broker.getToken(id)).ok).toBe(true);
    expect((await other.getToken(id)).ok).toBe(true);
    await setConnectionDisabled(id, true, testActor(), broker);
    expect(await db().connectionToken.findUnique({ where: { connectionId: id } })).toBeNull();
    const refused = await broker.getToken(id);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe("CONFLICT");
    expect((await other.getToken(id)).ok).toBe(false);
    await setConnectionDisabled(id, false, testActor(), broker);
    expect((await broker.getToken(id)).ok).toBe(true);
  });

  it("an edit that changes how tokens are asked for drops the current token", async () => {
    const id = await create();
    const broker = new TokenBroker();
    expect((await broker.getToken(id)).ok).toBe(true);
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    await updateConnection(
      id,
      { name: "renamed", clientId: row.clientId, tokenUrl: row.tokenUrl, apiBaseUrl: row.apiBaseUrl },
      testActor(),
      broker,
    );
    expect(await db().connectionToken.findUnique({ where: { connectionId: id } })).not.toBeNull();
    await updateConnection(
      id,
      {
        name: "renamed",
        clientId: row.clientId,
        scope: "groups:read",
        tokenUrl: row.tokenUrl,
        apiBaseUrl: row.apiBaseUrl,
      },
      testActor(),
      broker,
    );
    expect(await db().connectionToken.findUnique({ where: { connectionId: id } })).toBeNull();
  });

  describe("a stored secret is bound to the origin it was entered for", () => {
    // Another server (another origin) that would gladly take the secret: it must never see it.
    let elsewhere: StartedNoyoSimulator;
    beforeAll(async () => {
      elsewhere = await startNoyoSimulator({ clients: [{ clientId, clientSecret }] });
    });
    afterAll(() => elsewhere.close());
    const received = () => elsewhere.counters().endpoints.token?.received ?? 0;

    it("moving the token URL to another origin needs the secret again; the stored one is never sent there", async () => {
      const id = await create();
      const row = await db().connection.findUniqueOrThrow({ where: { id } });
      expect(row.secretTokenOrigin).toBe(new URL(sim.tokenUrl).origin);
      const edit = { name: row.name, clientId, tokenUrl: elsewhere.tokenUrl, apiBaseUrl: row.apiBaseUrl };
      await expect(updateConnection(id, edit, testActor())).rejects.toMatchObject({
        issues: [{ path: ["clientSecret"], message: expect.stringContaining("needs the client secret entered again") }],
      });
      expect((await db().connection.findUniqueOrThrow({ where: { id } })).tokenUrl).toBe(sim.tokenUrl);
      expect((await testConnection(id, testActor())).ok).toBe(true);
      expect(received()).toBe(0);

      // With the secret entered again it moves, bound to the new origin, and the audit row has both URLs.
      const actor = testActor();
      await updateConnection(id, { ...edit, clientSecret }, actor);
      const moved = await db().connection.findUniqueOrThrow({ where: { id } });
      expect([moved.tokenUrl, moved.secretTokenOrigin]).toEqual([
        elsewhere.tokenUrl,
        new URL(elsewhere.tokenUrl).origin,
      ]);
      expect(moved.secretVersionId).not.toBe(row.secretVersionId);
      const audit = await db().auditEvent.findFirstOrThrow({
        where: { action: "connection.updated", targetId: id, actorLabel: actor.email },
      });
      expect(audit.details).toMatchObject({
        changed: expect.arrayContaining(["tokenUrl", "clientSecret"]),
        tokenUrl: { from: sim.tokenUrl, to: elsewhere.tokenUrl },
      });
      expect(JSON.stringify(audit.details)).not.toContain(clientSecret);
    });

    it("moving the API base URL to another origin needs the secret again too", async () => {
      const id = await create();
      const row = await db().connection.findUniqueOrThrow({ where: { id } });
      await expect(
        updateConnection(
          id,
          { name: row.name, clientId, tokenUrl: row.tokenUrl, apiBaseUrl: elsewhere.apiBaseUrl },
          testActor(),
        ),
      ).rejects.toMatchObject({
        issues: [{ path: ["clientSecret"] }],
      });
      // A path change on the same origin is fine without it.
      await updateConnection(
        id,
        { name: row.name, clientId, tokenUrl: row.tokenUrl, apiBaseUrl: `${sim.apiBaseUrl}/v2` },
        testActor(),
      );
    });

    it("the broker and Test refuse to send the secret when the row points elsewhere (defence in depth)", async () => {
      const id = await create();
      // As if the row were changed outside the dashboard.
      await db().connection.update({ where: { id }, data: { tokenUrl: elsewhere.tokenUrl } });
      const tested = await testConnection(id, testActor());
      expect(tested.ok).toBe(false);
      expect(tested.message).toContain("it is not sent there");
      const token = await new TokenBroker().getToken(id);
      expect(token.ok).toBe(false);
      expect(received()).toBe(0);
    });

    it("Noyo, Inyo and Nuvy take only their documented hosts, unless ALLOW_INSECURE_PROVIDER_URLS is set", () => {
      expect(
        documentedHostProblem("NOYO", "PRODUCTION", "tokenUrl", "https://attacker.example/auth/public/token", false),
      ).toMatch(/documented host https:\/\/accounts\.noyo\.com/);
      expect(documentedHostProblem("INYO", "SANDBOX", "apiBaseUrl", "https://gw.simpleps.com", false)).toMatch(
        /https:\/\/sandbox-gw\.simpleps\.com/,
      );
      expect(
        documentedHostProblem("NUVY", "PRODUCTION", "tokenUrl", "https://prd.api.nuvy.ai/oauth2/token", false),
      ).toBeNull();
      expect(
        documentedHostProblem("OAUTH2", "PRODUCTION", "tokenUrl", "https://auth.example.com/token", false),
      ).toBeNull();
      expect(
        documentedHostProblem("NOYO", "PRODUCTION", "tokenUrl", "http://127.0.0.1:4011/auth/public/token", true),
      ).toBeNull();
    });
  });

  it("delete removes the connection and schedules its secret for deletion", async () => {
    const id = await create();
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    await deleteConnection(id, testActor());
    expect(await db().connection.findUnique({ where: { id } })).toBeNull();
    const meta = await secretStore().describe(row.secretName ?? "");
    expect(meta.deletionScheduledFor).not.toBeNull();
  });
});
