import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit/record";
import { auditFilterSchema, listAuditEvents } from "@/lib/audit/queries";

describe("audit queries", () => {
  it("filters by actor, action prefix, target and time, and pages by keyset without gaps or repeats", async () => {
    const actorId = randomUUID();
    const target = randomUUID();
    for (let i = 0; i < 7; i++) {
      await recordAudit({
        actor: { type: "staff", id: actorId, label: `auditor-${actorId}@x.test` },
        action: i % 2 ? "link.revoked" : "link.issued",
        target: { type: "seller", id: target },
        details: { i },
      });
    }
    const all = await listAuditEvents(auditFilterSchema.parse({ actor: actorId }));
    expect(all.rows).toHaveLength(7);
    expect(all.rows.map((r) => (r.details as { i: number }).i)).toEqual([6, 5, 4, 3, 2, 1, 0]);

    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents(auditFilterSchema.parse({ actor: `auditor-${actorId}`, cursor }), 3);
      pages.push(...page.rows.map((r) => (r.details as { i: number }).i));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([6, 5, 4, 3, 2, 1, 0]);

    expect((await listAuditEvents(auditFilterSchema.parse({ actor: actorId, action: "link.r" }))).rows).toHaveLength(3);
    expect((await listAuditEvents(auditFilterSchema.parse({ target: `seller:${target}` }))).rows).toHaveLength(7);
    expect((await listAuditEvents(auditFilterSchema.parse({ target: `api_key:${target}` }))).rows).toHaveLength(0);
    expect((await listAuditEvents(auditFilterSchema.parse({ actor: actorId, from: "2999-01-01" }))).rows).toHaveLength(
      0,
    );
    expect(
      (await listAuditEvents(auditFilterSchema.parse({ actor: actorId, to: "2999-01-01T00:00" }))).rows,
    ).toHaveLength(7);
    expect(auditFilterSchema.safeParse({ from: "not a date" }).success).toBe(false);
  });
});
