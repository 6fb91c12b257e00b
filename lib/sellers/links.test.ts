// Integration: sellers and onboarding links against the run's PostgreSQL.
import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { keepOutput } from "@/tests/support/secret-scan";
import {
  createOnboardingLink,
  createSeller,
  isOnboardingLinkActive,
  listSellerLinks,
  resolveOnboardingLink,
  revokeOnboardingLink,
} from "./index";

const unique = () => Math.random().toString(36).slice(2, 10);

describe("sellers", () => {
  it("creates a seller, and finds it again by external id (also under concurrency)", async () => {
    const externalId = `ext-${unique()}`;
    const results = await Promise.all([1, 2, 3].map((i) => createSeller({ name: `Shop ${i}`, externalId })));
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const again = await createSeller({ name: "Other name", externalId });
    expect(again).toMatchObject({ created: false, externalId });
    expect(again.id).toBe(results[0]?.id);
  });

  it("creates separate sellers without an external id", async () => {
    const a = await createSeller({ name: "  Same  ", email: "a@example.com" });
    const b = await createSeller({ name: "Same" });
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ name: "Same", email: "a@example.com", externalId: null, created: true });
  });
});

describe("onboarding links", () => {
  it("issues a 32-byte base64url token, stores only its SHA-256, and resolves it", async () => {
    const seller = await createSeller({ name: `Seller ${unique()}` });
    const link = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    keepOutput("seller-link", JSON.stringify({ url: link.url }));
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(link.token, "base64url")).toHaveLength(32);
    expect(link.url).toBe(`http://localhost:3999/onboard/${link.token}`);
    const days = (link.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const row = await db().onboardingLink.findUniqueOrThrow({ where: { id: link.linkId }, omit: { tokenHash: false } });
    expect(row.tokenHash).toBe(createHash("sha256").update(link.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(link.token);

    const resolved = await resolveOnboardingLink(link.token, { touch: true });
    expect(resolved).toMatchObject({ ok: true, seller: { id: seller.id }, linkId: link.linkId });
    expect((await db().onboardingLink.findUniqueOrThrow({ where: { id: link.linkId } })).lastUsedAt).toBeInstanceOf(
      Date,
    );
  });

  it("says why a link does not work: unknown, expired, revoked", async () => {
    const seller = await createSeller({ name: `Seller ${unique()}` });
    expect(await resolveOnboardingLink("not-a-token")).toEqual({ ok: false, reason: "unknown" });
    expect(await resolveOnboardingLink("A".repeat(43))).toEqual({ ok: false, reason: "unknown" });

    const short = await createOnboardingLink({ sellerId: seller.id, createdBy: "test", ttlDays: 1 });
    expect(await resolveOnboardingLink(short.token, { now: new Date(Date.now() + 2 * 86_400_000) })).toEqual({
      ok: false,
      reason: "expired",
    });

    const revoked = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
    const someone = { type: "staff", id: randomUUID(), email: "someone@x.test", ip: null } as const;
    const other = { type: "staff", id: randomUUID(), email: "other@x.test", ip: null } as const;
    expect(await revokeOnboardingLink({ linkId: revoked.linkId, by: someone })).toEqual({
      sellerId: seller.id,
      revoked: true,
    });
    expect(await revokeOnboardingLink({ linkId: revoked.linkId, by: other })).toEqual({
      sellerId: seller.id,
      revoked: false,
    });
    expect(await revokeOnboardingLink({ linkId: randomUUID(), by: other })).toBeNull();
    expect(await resolveOnboardingLink(revoked.token)).toEqual({ ok: false, reason: "revoked" });
    expect(await isOnboardingLinkActive(revoked.linkId)).toBe(false);
    expect(await isOnboardingLinkActive(short.linkId)).toBe(true);

    const links = await listSellerLinks(seller.id);
    expect(links.map((l) => l.state).sort()).toEqual(["active", "revoked"]);
    expect(links.find((l) => l.id === revoked.linkId)).toMatchObject({
      revokedBy: `staff:${someone.id}`,
      createdBy: "test",
    });
    expect(JSON.stringify(links)).not.toMatch(/tokenHash/);
  });

  it("refuses a nonsensical lifetime", async () => {
    const seller = await createSeller({ name: `Seller ${unique()}` });
    await expect(createOnboardingLink({ sellerId: seller.id, createdBy: "test", ttlDays: 0 })).rejects.toThrow(
      /ttlDays/,
    );
    await expect(createOnboardingLink({ sellerId: seller.id, createdBy: "test", ttlDays: 1000 })).rejects.toThrow(
      /ttlDays/,
    );
  });
});
