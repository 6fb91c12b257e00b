// Two app processes against one PostgreSQL: what one instance changes takes effect at once on the other,
// although each keeps API keys and connection tokens in memory (lib/db/changes.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { authenticateApiKey } from "@/lib/api-keys/authenticate";
import { tokenBroker } from "@/lib/connections/broker";
import { rotateSecret, setConnectionDisabled, deleteConnection } from "@/lib/connections/service";
import { createTestConnection, testActor, testSecret } from "@/tests/support/connections/fixtures";
import { startNoyoSimulator, type StartedNoyoSimulator } from "@/simulators/noyo/index";
import { createTestStaff } from "@/tests/authz/support";
import { startSecondInstance, type SecondInstance } from "@/tests/support/instance";
import { rememberSecret } from "@/tests/support/secret-scan";

const call = (key: string) =>
  new Request("http://localhost:3999/api/v1/x", { headers: { authorization: `Bearer ${key}` } });

describe("two instances", () => {
  let other: SecondInstance;
  let sim: StartedNoyoSimulator;
  const clientId = `noyo-${crypto.randomUUID()}`;
  const clientSecret = testSecret("instances");
  beforeAll(async () => {
    sim = await startNoyoSimulator({ clients: [{ clientId, clientSecret }] });
    other = await startSecondInstance();
  });
  afterAll(async () => {
    await other?.close();
    await sim?.close();
  });

  it("a revoked API key is refused at once by every instance, though both had it cached", async () => {
    const admin = await createTestStaff("ADMIN");
    const { id, key } = await createApiKey({ name: "two instances", scopes: ["connection-tokens"] }, admin.principal);
    rememberSecret(key);
    // Both instances have the key in memory now (a second call needs no database).
    for (let i = 0; i < 2; i++) {
      await authenticateApiKey(call(key), "connection-tokens");
      expect(await other.ask({ op: "auth", key, scope: "connection-tokens" })).toEqual({ ok: true });
    }
    await revokeApiKey(id, admin.principal);
    expect(await other.ask({ op: "auth", key, scope: "connection-tokens" })).toEqual({
      ok: false,
      code: "UNAUTHENTICATED",
    });
    await expect(authenticateApiKey(call(key), "connection-tokens")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("disable, rotation and delete reach the other instance's token memory at once", async () => {
    const id = await createTestConnection({
      provider: "NOYO",
      clientId,
      clientSecret,
      tokenUrl: sim.tokenUrl,
      apiBaseUrl: sim.apiBaseUrl,
    });
    const first = await other.ask({ op: "token", connectionId: id });
    expect(first).toMatchObject({ ok: true });
    expect(await other.ask({ op: "token", connectionId: id })).toEqual(first);

    await setConnectionDisabled(id, true, testActor(), tokenBroker());
    expect(await other.ask({ op: "token", connectionId: id })).toEqual({ ok: false, code: "CONFLICT" });
    await setConnectionDisabled(id, false, testActor(), tokenBroker());
    const afterEnable = await other.ask({ op: "token", connectionId: id });
    expect(afterEnable).toMatchObject({ ok: true });
    expect(await other.ask({ op: "token", connectionId: id })).toEqual(afterEnable);

    // Rotation: the other instance hands out the new secret's token from the next call on.
    const next = testSecret("instances-rotated");
    sim.addClient(clientId, next);
    const rotated = await rotateSecret(id, { clientSecret: next }, testActor(), tokenBroker());
    expect(rotated.ok).toBe(true);
    const mine = await tokenBroker().getToken(id);
    if (mine.ok) rememberSecret(mine.data.accessToken);
    const afterRotation = await other.ask({ op: "token", connectionId: id });
    expect(afterRotation).toMatchObject({ ok: true });
    expect(afterRotation).not.toEqual(afterEnable);

    await deleteConnection(id, testActor(), tokenBroker());
    expect(await other.ask({ op: "token", connectionId: id })).toEqual({ ok: false, code: "NOT_FOUND" });
  });
});
