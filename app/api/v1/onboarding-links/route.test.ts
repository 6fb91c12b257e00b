import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/onboarding-links/route";
import { createApiKey } from "@/lib/api-keys";
import { db } from "@/lib/db/client";
import { createTestStaff } from "@/tests/authz/support";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";

const post = (key: string | null, body: unknown, contentType = "application/json") =>
  POST(
    new Request("http://localhost:3999/api/v1/onboarding-links", {
      method: "POST",
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );

describe("POST /api/v1/onboarding-links", () => {
  it("creates a seller and a link for a key with the scope; finds the seller again by externalId; audits each use", async () => {
    const admin = await createTestStaff("ADMIN");
    const { key, id } = await createApiKey({ name: "marketplace", scopes: ["onboarding-links"] }, admin.principal);
    rememberSecret(key);
    const externalId = `ext-${Date.now()}`;
    const first = await post(key, { name: "Desert Rose Trading", email: "ops@desertrose.test", externalId });
    expect(first.status).toBe(201);
    const body = (await first.json()) as { url: string; expiresAt: string };
    keepOutput("v1-onboarding-links.json", JSON.stringify(body));
    expect(body.url).toMatch(/^http:\/\/localhost:3999\/onboard\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(Object.keys(body).sort()).toEqual(["expiresAt", "url"]);

    const second = await post(key, { name: "Other name", externalId });
    expect(second.status).toBe(201);
    const sellers = await db().seller.findMany({ where: { externalId } });
    expect(sellers).toHaveLength(1);
    expect(sellers[0]?.name).toBe("Desert Rose Trading");
    const links = await db().onboardingLink.findMany({ where: { sellerId: sellers[0]?.id } });
    expect(links.map((l) => l.createdBy)).toEqual([`api-key:${id}`, `api-key:${id}`]);

    const audit = await db().auditEvent.findMany({ where: { actorId: id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["seller.created", "link.issued", "link.issued"]);
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(body.url.split("/").at(-1));
  });

  it("answers 401 without a key, 403 without the scope, 400 on a bad body", async () => {
    const admin = await createTestStaff("ADMIN");
    const other = await createApiKey({ name: "tokens only", scopes: ["connection-tokens"] }, admin.principal);
    const good = await createApiKey({ name: "links", scopes: ["onboarding-links"] }, admin.principal);
    rememberSecret(other.key);
    rememberSecret(good.key);
    expect((await post(null, { name: "x" })).status).toBe(401);
    expect((await post("sok_nope", { name: "x" })).status).toBe(401);
    expect((await post(other.key, { name: "x" })).status).toBe(403);
    expect((await post(good.key, { email: "no-name@x.test" })).status).toBe(400);
    expect((await post(good.key, { name: "x", unexpected: true })).status).toBe(400);
    expect((await post(good.key, "{not json")).status).toBe(400);
    expect((await post(good.key, "name=x", "application/x-www-form-urlencoded")).status).toBe(400);
    const badLocale = await post(good.key, { name: "x", locale: "fr" });
    expect(badLocale.status).toBe(400);
    expect(JSON.stringify(await badLocale.json())).toContain("locale");
  });

  it("keeps the seller's language on the link; a later link without one keeps the seller's", async () => {
    const admin = await createTestStaff("ADMIN");
    const { key } = await createApiKey({ name: "links-ar", scopes: ["onboarding-links"] }, admin.principal);
    rememberSecret(key);
    const externalId = `ext-ar-${Date.now()}`;
    expect((await post(key, { name: "متجر الوردة", externalId, locale: "ar" })).status).toBe(201);
    expect((await post(key, { name: "متجر الوردة", externalId })).status).toBe(201);
    expect((await post(key, { name: "متجر الوردة", externalId, locale: "en" })).status).toBe(201);
    const seller = await db().seller.findUniqueOrThrow({ where: { externalId } });
    const links = await db().onboardingLink.findMany({ where: { sellerId: seller.id }, orderBy: { createdAt: "asc" } });
    expect(links.map((l) => l.locale)).toEqual(["ar", "ar", "en"]);
  });
});
