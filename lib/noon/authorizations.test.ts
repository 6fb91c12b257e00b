// Integration: authorizations that never got their callback expire (lib/noon/authorizations.ts), against
// the run's PostgreSQL; the requests are started through the Connect route with the Noon simulator.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { expireStaleAuthorizations } from "./authorizations";
import { clickConnect, sellerWithLink } from "@/tests/support/noon-harness";
import { noonHarnessPerFile } from "@/tests/support/noon-harness-per-file";

const h = noonHarnessPerFile({ timeoutMs: 3_000 });

describe("requests with no callback expire", () => {
  it("after 30 minutes, once, with an event", async () => {
    const { seller, link } = await sellerWithLink();
    await clickConnect(h, link.token);
    const row = await db().noonAuthorization.findFirstOrThrow({ where: { sellerId: seller.id } });
    expect(await expireStaleAuthorizations(new Date(Date.now() + 29 * 60_000))).toBeGreaterThanOrEqual(0);
    expect((await db().noonAuthorization.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("STARTED");
    const later = new Date(Date.now() + 31 * 60_000);
    expect(await expireStaleAuthorizations(later)).toBeGreaterThanOrEqual(1);
    expect(await expireStaleAuthorizations(later)).toBe(0);
    const after = await db().noonAuthorization.findUniqueOrThrow({ where: { id: row.id }, include: { events: true } });
    expect(after.status).toBe("EXPIRED");
    expect(after.events.filter((e) => e.type === "expired")).toHaveLength(1);
  });
});
