import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/api-keys";
import { authenticateApiKey as requireApiKey } from "@/lib/api-keys/authenticate";
import { flushApiKeyUsage } from "@/lib/api-keys/usage";
import { createTestStaff } from "@/tests/authz/support";
import { rememberSecret } from "@/tests/support/secret-scan";

const call = (key?: string) => new Request("http://localhost:3999/api/v1/x", { method: "POST", headers: key ? { authorization: `Bearer ${key}`, "x-forwarded-for": "192.0.2.5" } : {} });

describe("API keys", () => {
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
    expect(principal).toMatchObject({ id: created.id, prefix: created.prefix, scopes: ["onboarding-links"], ip: "192.0.2.5" });
    await requireApiKey(call(created.key), "onboarding-links");
    // Counts are buffered in process and written in batches (usage.ts).
    expect(await db().apiKeyUsage.findMany({ where: { apiKeyId: created.id } })).toEqual([]);
    await flushApiKeyUsage();
    const usage = await db().apiKeyUsage.findMany({ where: { apiKeyId: created.id } });
    expect(usage).toEqual([expect.objectContaining({ scope: "onboarding-links", count: 2 })]);
    expect((await listApiKeys()).find((k) => k.id === created.id)).toMatchObject({ usesLast24h: 2, lastUsedAt: expect.any(Date) });

    await expect(requireApiKey(call(created.key), "connection-tokens")).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
    await expect(requireApiKey(call(), "onboarding-links")).rejects.toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    await expect(requireApiKey(call(`${created.key}x`), "onboarding-links")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    await revokeApiKey(created.id, admin.principal);
    await expect(requireApiKey(call(created.key), "onboarding-links")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    const actions = (await db().auditEvent.findMany({ where: { OR: [{ targetId: created.id }, { actorId: created.id }, { actorLabel: created.prefix }] }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["api_key.created", "api_key.denied", "api_key.revoked", "api_key.rejected"]);
  });

  it("refuses an empty scope list", async () => {
    const admin = await createTestStaff("ADMIN");
    await expect(createApiKey({ name: "x", scopes: [] }, admin.principal)).rejects.toThrow();
  });
});
