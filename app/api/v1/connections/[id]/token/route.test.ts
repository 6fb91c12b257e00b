// GET /api/v1/connections/{id}/token: api key and scope, the token through the broker, no-store, usage counted.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@/lib/api-keys/authenticate";
import { db } from "@/lib/db/client";
import { flushApiKeyUsage } from "@/lib/api-keys/usage";
import { createTestConnection, testSecret } from "@/tests/support/connections/fixtures";
import { startNoyoSimulator, type StartedNoyoSimulator } from "@/simulators/noyo/index";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import { GET } from "./route";

async function apiKey(scopes: string[], extra: { expiresAt?: Date; connectionIds?: string[] } = {}): Promise<string> {
  const key = `sok_${randomBytes(32).toString("base64url")}`;
  rememberSecret(key);
  await db().apiKey.create({
    data: {
      name: `test-${randomBytes(3).toString("hex")}`,
      prefix: key.slice(0, 14),
      keyHash: hashApiKey(key),
      scopes,
      createdBy: "test",
      ...extra,
    },
  });
  return key;
}

const call = (id: string, key?: string) =>
  GET(
    new Request(`http://localhost:3999/api/v1/connections/${id}/token`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    }),
    {
      params: Promise.resolve({ id }),
    },
  );

describe("GET /api/v1/connections/{id}/token", () => {
  let sim: StartedNoyoSimulator;
  const clientId = `noyo-${crypto.randomUUID()}`;
  const clientSecret = testSecret("route");
  beforeAll(async () => {
    sim = await startNoyoSimulator({ clients: [{ clientId, clientSecret }] });
  });
  afterAll(() => sim.close());

  it("answers the token to a key with the connection-tokens scope, never cached, usage counted", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const key = await apiKey(["connection-tokens"]);
    const first = await call(id, key);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const body = (await first.json()) as { accessToken: string; tokenType: string; expiresAt: string };
    rememberSecret(body.accessToken);
    expect(body.tokenType).toBe("Bearer");
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const second = (await (await call(id, key)).json()) as { accessToken: string };
    expect(second.accessToken).toBe(body.accessToken);
    expect(sim.counters().tokenRequestsByClient[clientId]).toBe(1);
    await flushApiKeyUsage();
    const usage = await db().apiKeyUsage.findMany({ where: { apiKey: { keyHash: hashApiKey(key) } } });
    expect(usage.reduce((n, u) => n + u.count, 0)).toBe(2);
  });

  it("refuses a missing key (401), a key without the scope (403), an unknown connection (404), a disabled one (409)", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const none = await call(id);
    expect(none.status).toBe(401);
    expect(none.headers.get("cache-control")).toBe("no-store");
    const wrong = await call(id, await apiKey(["onboarding-links"]));
    expect(wrong.status).toBe(403);
    const key = await apiKey(["connection-tokens"]);
    const missing = await call(crypto.randomUUID(), key);
    expect(missing.status).toBe(404);
    expect((await call("not-a-uuid", key)).status).toBe(404);
    await db().connection.update({ where: { id }, data: { disabledAt: new Date() } });
    const disabled = await call(id, key);
    expect(disabled.status).toBe(409);
    keepOutput("connection-token-route.txt", JSON.stringify(await disabled.json()));
  });

  it("refuses a key limited to other connections (403, saying why) and an expired key (401, saying so)", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const other = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const limited = await apiKey(["connection-tokens"], { connectionIds: [other] });
    const refused = await call(id, limited);
    expect(refused.status).toBe(403);
    const text = await refused.text();
    keepOutput("connection-token-route.txt", text);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "FORBIDDEN",
        message:
          "This API key is limited to named connections and this connection is not one of them: ask an admin for a key that includes it.",
      },
    });
    const allowed = await call(other, limited);
    expect(allowed.status).toBe(200);
    rememberSecret(((await allowed.json()) as { accessToken: string }).accessToken);
    const expired = await call(
      other,
      await apiKey(["connection-tokens"], { expiresAt: new Date(Date.now() - 60_000) }),
    );
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(
      /^This API key expired at /,
    );
  });

  it("says why when the provider refuses (502 with the provider's explanation)", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret: testSecret("wrong"),
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const res = await call(id, await apiKey(["connection-tokens"]));
    expect(res.status).toBe(502);
    const text = await res.text();
    keepOutput("connection-token-route.txt", text);
    expect(text).toContain("Noyo rejected the credentials (401, code 16");
  });
});
