// Integration: the audited seller flows every caller uses (dashboard, API, CLI) against the run's PostgreSQL.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createSellerWithLink, getSellerDetail, getSellerSummary, issueSellerLink, type LinkActor } from "./index";

const auditOf = (sellerId: string) =>
  db().auditEvent.findMany({
    where: { targetType: "seller", targetId: sellerId },
    orderBy: { id: "asc" },
    select: { action: true, actorType: true, actorId: true, actorLabel: true, ip: true, details: true },
  });

describe("the seller flows", () => {
  it("creates a seller with a link, audited for each kind of actor, and names the author on the link", async () => {
    const staffId = randomUUID();
    const keyId = randomUUID();
    const actors: [LinkActor, { actorType: string; actorId: string | null; actorLabel: string }, string][] = [
      [
        { type: "staff", id: staffId, email: "ops@x.test", ip: "203.0.113.9" },
        { actorType: "staff", actorId: staffId, actorLabel: "ops@x.test" },
        `staff:${staffId}`,
      ],
      [
        { type: "api-key", id: keyId, prefix: "sok_abc123", ip: "198.51.100.4" },
        { actorType: "api-key", actorId: keyId, actorLabel: "sok_abc123" },
        `api-key:${keyId}`,
      ],
      [{ type: "cli" }, { actorType: "system", actorId: null, actorLabel: "npm run seller:link" }, "cli"],
    ];
    for (const [by, actor, author] of actors) {
      const externalId = `flow-${randomUUID()}`;
      const first = await createSellerWithLink({ seller: { name: " Flow Shop ", externalId }, by });
      expect(first.seller).toMatchObject({ name: "Flow Shop", externalId, created: true });
      expect(first.url).toMatch(/\/onboard\/[A-Za-z0-9_-]{43}$/);
      const again = await createSellerWithLink({ seller: { name: "Renamed", externalId }, by, ttlDays: 1 });
      expect(again.seller).toMatchObject({ id: first.seller.id, name: "Flow Shop", created: false });
      expect((again.expiresAt.getTime() - Date.now()) / 86_400_000).toBeLessThanOrEqual(1);

      const audit = await auditOf(first.seller.id);
      expect(audit.map((a) => a.action)).toEqual(["seller.created", "link.issued", "link.issued"]);
      for (const a of audit) expect(a).toMatchObject({ ...actor, ip: by.type === "cli" ? null : by.ip });
      expect(audit[1]?.details).toMatchObject({
        linkId: first.linkId,
        ...(by.type === "api-key" ? { via: "api" } : {}),
      });
      expect(JSON.stringify(audit)).not.toContain(first.token);
      const links = await db().onboardingLink.findMany({ where: { sellerId: first.seller.id } });
      expect(links.map((l) => l.createdBy)).toEqual([author, author]);
    }
  });

  it("issues a link for a known seller only, and shows it on the seller's page as active", async () => {
    const by: LinkActor = { type: "staff", id: randomUUID(), email: "ops@x.test", ip: null };
    expect(await issueSellerLink({ sellerId: randomUUID(), by })).toBeNull();
    expect(await issueSellerLink({ sellerId: "not-an-id", by })).toBeNull();
    const { seller } = await createSellerWithLink({ seller: { name: "Known Shop", email: "k@x.test" }, by });
    const issued = await issueSellerLink({ sellerId: seller.id, by });
    expect(issued).toMatchObject({ seller: { id: seller.id, created: false } });
    expect((await auditOf(seller.id)).map((a) => a.action)).toEqual(["seller.created", "link.issued", "link.issued"]);

    expect(await getSellerSummary(seller.id)).toEqual({
      id: seller.id,
      name: "Known Shop",
      email: "k@x.test",
      externalId: null,
    });
    expect(await getSellerSummary("------------------------------------")).toBeNull();
    const detail = await getSellerDetail(seller.id);
    expect(detail?.links.map((l) => l.state)).toEqual(["active", "active"]);
    expect(detail?.links[0]?.id).toBe(issued?.linkId);
    expect(await getSellerDetail(randomUUID())).toBeNull();
  });
});
