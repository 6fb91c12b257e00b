import { describe, expect, it } from "vitest";
import { POST } from "@/app/api/locale/route";
import { safeBackPath } from "./switch";

const APP = "http://localhost:3000";

function choose(fields: [string, string][], headers: Record<string, string> = { origin: APP }): Promise<Response> {
  const body = new URLSearchParams(fields);
  return POST(
    new Request(`${APP}/api/locale`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body,
    }),
  );
}

describe("POST /api/locale (the language switch)", () => {
  it("remembers the choice for a year and goes back to the page", async () => {
    const res = await choose([
      ["locale", "ar"],
      ["back", "/onboard/abc?x=1"],
    ]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/onboard/abc?x=1");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^NEXT_LOCALE=ar; Path=\/; Max-Age=31536000; SameSite=Lax; HttpOnly/);
    expect(res.headers.get("cache-control")).toContain("no-store");
  });

  it("accepts a seller page's form (Origin: null, same-origin fetch), refuses other sites", async () => {
    const fromSellerPage = await choose([["locale", "en"]], { origin: "null", "sec-fetch-site": "same-origin" });
    expect(fromSellerPage.status).toBe(303);
    expect(fromSellerPage.headers.get("location")).toBe("/");
    const forged = await choose([["locale", "ar"]], { origin: "null", "sec-fetch-site": "cross-site" });
    expect(forged.status).toBe(403);
    const otherSite = await choose([["locale", "ar"]], { origin: "https://evil.example" });
    expect(otherSite.status).toBe(403);
    expect(otherSite.headers.get("set-cookie")).toBeNull();
  });

  it("answers 400 in the browser's language for an unknown or repeated language", async () => {
    const unknown = await choose([["locale", "fr"]], { origin: APP, "accept-language": "ar-EG" });
    expect(unknown.status).toBe(400);
    const html = await unknown.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).toContain("لا يمكن اختيار هذه اللغة");
    const repeated = await choose([
      ["locale", "ar"],
      ["locale", "en"],
    ]);
    expect(repeated.status).toBe(400);
  });

  it("goes back only to a path of this site, percent-encoded", () => {
    expect(safeBackPath("//evil.example/x")).toBe("/");
    expect(safeBackPath("/\\evil.example")).toBe("/");
    expect(safeBackPath("https://evil.example")).toBe("/");
    expect(safeBackPath("/a\r\nSet-Cookie: x=1")).toBe("/");
    expect(safeBackPath(undefined)).toBe("/");
    expect(safeBackPath("/admin/requests?q=متجر")).toBe("/admin/requests?q=%D9%85%D8%AA%D8%AC%D8%B1");
    expect(safeBackPath("/onboard/x#top")).toBe("/onboard/x");
  });
});
