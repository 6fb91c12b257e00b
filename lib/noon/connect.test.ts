// Integration: POST /api/noon/connect (the seller's Connect button) against the Noon simulator (in process)
// and the run's PostgreSQL, through the route handler's own function with real Request objects.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createOnboardingLink, createSeller } from "@/lib/sellers";
import { startSellerConnect } from "./connect";
import { APP, clickConnect, clickTryAgain, sellerWithLink, testAddress } from "@/tests/support/noon-harness";
import { noonHarnessPerFile } from "@/tests/support/noon-harness-per-file";

const h = noonHarnessPerFile({ timeoutMs: 3_000 });

describe("POST /api/noon/connect", () => {
  it("refuses a form from another site and creates nothing", async () => {
    const { seller, link } = await sellerWithLink();
    const r = await clickConnect(h, link.token, { origin: "https://evil.example" });
    expect(r.response.status).toBe(403);
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(0);
    const none = await clickConnect(h, link.token, { origin: null });
    expect(none.response.status).toBe(403);
    const opaque = await clickConnect(h, link.token, { origin: "null" });
    expect(opaque.response.status).toBe(403);
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(0);
  });

  it("accepts Origin: null from a no-referrer page of ours when the browser says same-origin", async () => {
    const { seller, link } = await sellerWithLink();
    const response = await startSellerConnect(
      new Request(`${APP}/api/noon/connect`, {
        method: "POST",
        headers: {
          origin: "null",
          "sec-fetch-site": "same-origin",
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": testAddress(),
        },
        body: new URLSearchParams({ link: link.token }),
      }),
      h.deps(),
    );
    expect(response.status).toBe(303);
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(1);
  });

  it("carries the link's language into the browser's language cookie, unless the seller chose one", async () => {
    const seller = await createSeller({ name: `Arabic seller ${randomBytes(3).toString("hex")}` });
    const link = await createOnboardingLink({ sellerId: seller.id, createdBy: "test", locale: "ar" });
    const connect = (cookie?: string) =>
      startSellerConnect(
        new Request(`${APP}/api/noon/connect`, {
          method: "POST",
          headers: {
            origin: APP,
            "content-type": "application/x-www-form-urlencoded",
            "x-forwarded-for": testAddress(),
            ...(cookie ? { cookie } : {}),
          },
          body: new URLSearchParams({ link: link.token }),
        }),
        h.deps(),
      );
    const first = await connect();
    expect(first.status).toBe(303);
    expect(first.headers.getSetCookie().filter((c) => c.startsWith("NEXT_LOCALE="))).toEqual([
      expect.stringMatching(/^NEXT_LOCALE=ar; Path=\/;/),
    ]);
    expect(new URL(first.headers.get("location") ?? "").searchParams.get("ui_locales")).toBe("ar");
    const chosen = await connect("NEXT_LOCALE=en");
    expect(chosen.status).toBe(303);
    expect(chosen.headers.getSetCookie().some((c) => c.startsWith("NEXT_LOCALE="))).toBe(false);
    expect(new URL(chosen.headers.get("location") ?? "").searchParams.has("ui_locales")).toBe(false);
  });

  it("explains a refused form in the seller's language", async () => {
    const { link } = await sellerWithLink();
    const response = await startSellerConnect(
      new Request(`${APP}/api/noon/connect`, {
        method: "POST",
        headers: {
          origin: "https://evil.example",
          cookie: "NEXT_LOCALE=ar",
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": testAddress(),
        },
        body: new URLSearchParams({ link: link.token }),
      }),
      h.deps(),
    );
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain("يجب إرسال هذا النموذج من هذا الموقع");
  });

  it("sends an unusable link back to its page, which explains", async () => {
    const r = await clickConnect(h, randomBytes(32).toString("base64url"));
    expect(r.response.status).toBe(303);
    expect(r.location).toMatch(/^\/onboard\//);
  });

  it("says so when Noon is not configured", async () => {
    const { link } = await sellerWithLink();
    const response = await startSellerConnect(
      new Request(`${APP}/api/noon/connect`, {
        method: "POST",
        headers: { origin: APP, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": testAddress() },
        body: new URLSearchParams({ link: link.token }),
      }),
      { noon: null },
    );
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("not configured");
  });

  it('starts again from the session for a "Try again" without the link', async () => {
    const { seller, link } = await sellerWithLink();
    const first = await clickConnect(h, link.token);
    const again = await clickTryAgain(h, first.cookie);
    expect(again.status).toBe(303);
    expect(await db().noonAuthorization.count({ where: { sellerId: seller.id } })).toBe(2);
  });
});
