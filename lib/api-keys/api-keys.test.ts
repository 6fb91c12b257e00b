import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/api-keys";
import { authenticateApiKey as requireApiKey, hashApiKey } from "@/lib/api-keys/authenticate";
import { hashToken } from "@/lib/secrets/token-hash";
import { flushApiKeyUsage } from "@/lib/api-keys/usage";
import { announceApiKeyChange } from "@/lib/api-keys/cache";
import { refuseUnlistedConnection } from "@/lib/api-keys/limits";
import { createTestConnection, testSecret } from "@/tests/support/connections/fixtures";
import { createTestStaff } from "@/tests/authz/support";
import { rememberSecret } from "@/tests/support/secret-scan";

const call = (key?: string) =>
  new Request("http://localhost:3999/api/v1/x", {
    method: "POST",
    headers: key ? { authorization: `Bearer ${key}`, "x-forwarded-for": "192.0.2.5" } : {},
  });

describe("API keys", () => {
  it("are looked up by the digest every other bearer value is stored as (lib/secrets/token-hash.ts)", () => {
    for (const key of ["sok_abc", `sok_${"x".repeat(43)}`, "sok_ünïcødé"]) expect(hashApiKey(key)).toBe(hashToken(key));
  });

  it("stores only a hash, checks the scope, counts use and honours revocation", async () => {
    const admin = await createTestStaff("ADMIN");
    const created = await createApiKey({ name: "marketplace", scopes: ["onboarding-links"] }, admin.principal);
    rememberSecret(created.key);
    expect(created.key).toMatch(/^sok_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));

    const row = await db().apiKey.findUniqueOrThrow({ where: { id: created.id }, omit: { keyHash: false } });
    expect(row.keyHash).not.toContain(created.key);
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);

    const principal = await requireApiKey(call(created.key), "onboarding-links");
    expect(principal).toMatchObject({
      id: created.id,
      prefix: created.prefix,
      scopes: ["onboarding-links"],
      ip: "192.0.2.5",
    });
    await requireApiKey(call(created.key), "onboarding-links");
    // Counts are buffered in process and written in batches (usage.ts).
    expect(await db().apiKeyUsage.findMany({ where: { apiKeyId: created.id } })).toEqual([]);
    await flushApiKeyUsage();
    const usage = await db().apiKeyUsage.findMany({ where: { apiKeyId: created.id } });
    expect(usage).toEqual([expect.objectContaining({ scope: "onboarding-links", count: 2 })]);
    expect((await listApiKeys()).find((k) => k.id === created.id)).toMatchObject({
      usesLast24h: 2,
      lastUsedAt: expect.any(Date),
    });

    await expect(requireApiKey(call(created.key), "connection-tokens")).rejects.toMatchObject({
      code: "FORBIDDEN",
      status: 403,
    });
    await expect(requireApiKey(call(), "onboarding-links")).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      status: 401,
    });
    await expect(requireApiKey(call(`${created.key}x`), "onboarding-links")).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });

    await revokeApiKey(created.id, admin.principal);
    await expect(requireApiKey(call(created.key), "onboarding-links")).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });

    const actions = (
      await db().auditEvent.findMany({
        where: { OR: [{ targetId: created.id }, { actorId: created.id }, { actorLabel: created.prefix }] },
        orderBy: { id: "asc" },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(["api_key.created", "api_key.denied", "api_key.revoked", "api_key.rejected"]);
  });

  it("refuses an empty scope list", async () => {
    const admin = await createTestStaff("ADMIN");
    await expect(createApiKey({ name: "x", scopes: [] }, admin.principal)).rejects.toThrow();
  });

  it("carries an expiry (through the chosen UTC day) and a connection limit, both listed; refuses an expired key with a clear 401", async () => {
    const admin = await createTestStaff("ADMIN");
    const connectionId = await createTestConnection({
      provider: "OAUTH2",
      clientId: "c",
      clientSecret: testSecret("expiry"),
      tokenUrl: "http://127.0.0.1:9/token",
    });
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const created = await createApiKey(
      {
        name: "backend",
        scopes: ["connection-tokens", "sellers:read"],
        expiresOn: day,
        connectionIds: [connectionId.toUpperCase()],
      },
      admin.principal,
    );
    rememberSecret(created.key);
    const listed = (await listApiKeys()).find((k) => k.id === created.id);
    expect(listed).toMatchObject({
      expiresAt: new Date(`${day}T23:59:59.999Z`),
      connections: [{ id: connectionId, name: expect.stringMatching(/^test-/) }],
    });
    const audit = await db().auditEvent.findFirstOrThrow({
      where: { targetId: created.id, action: "api_key.created" },
    });
    expect(audit.details).toMatchObject({ expiresAt: `${day}T23:59:59.999Z`, connectionIds: [connectionId] });

    const principal = await requireApiKey(call(created.key), "sellers:read");
    expect(principal).toMatchObject({ expiresAt: new Date(`${day}T23:59:59.999Z`), connectionIds: [connectionId] });
    await expect(refuseUnlistedConnection(principal, connectionId)).resolves.toBeUndefined();
    await expect(refuseUnlistedConnection(principal, crypto.randomUUID())).rejects.toMatchObject({
      status: 403,
      userMessage: expect.stringMatching(/limited to named connections/),
    });

    // Expiry is data on the key, checked on every call.
    const past = new Date(Date.now() - 1000);
    // Moved into the past by hand; like every write to api_keys it announces itself (cache.ts).
    const change = await db().$transaction(async (tx) => {
      await tx.apiKey.update({ where: { id: created.id }, data: { expiresAt: past } });
      return announceApiKeyChange(tx, created.id);
    });
    await change.delivered();
    await expect(requireApiKey(call(created.key), "sellers:read")).rejects.toMatchObject({
      status: 401,
      userMessage: `This API key expired at ${past.toISOString()}: ask an admin for a new key.`,
    });
    const rejected = await db().auditEvent.findFirstOrThrow({
      where: { actorLabel: created.prefix, action: "api_key.rejected" },
    });
    expect(rejected.details).toMatchObject({ reason: "expired" });
  });

  it("refuses a past expiry day, a connection limit without connection-tokens and an unknown connection", async () => {
    const admin = await createTestStaff("ADMIN");
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await expect(
      createApiKey({ name: "x", scopes: ["sellers:read"], expiresOn: yesterday }, admin.principal),
    ).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["expiresOn"], message: "Choose today or a later day." })],
    });
    await expect(
      createApiKey({ name: "x", scopes: ["sellers:read"], expiresOn: "2999-01-01" }, admin.principal),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["expiresOn"] })] });
    await expect(
      createApiKey({ name: "x", scopes: ["sellers:read"], expiresOn: "next week" }, admin.principal),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["expiresOn"] })] });
    await expect(
      createApiKey({ name: "x", scopes: ["sellers:read"], connectionIds: [crypto.randomUUID()] }, admin.principal),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ["connectionIds"] })] });
    await expect(
      createApiKey({ name: "x", scopes: ["connection-tokens"], connectionIds: [crypto.randomUUID()] }, admin.principal),
    ).rejects.toMatchObject({ status: 400, userMessage: expect.stringMatching(/no longer exists/) });
  });
});
