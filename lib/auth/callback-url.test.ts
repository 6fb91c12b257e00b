import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

describe("safeCallbackUrl", () => {
  it("keeps our own /admin paths", () => {
    expect(safeCallbackUrl("/admin/sellers?q=x")).toBe("/admin/sellers?q=x");
    expect(safeCallbackUrl("/admin")).toBe("/admin");
  });
  it("refuses anything that could leave the site", () => {
    for (const bad of [
      "https://evil.example/admin",
      "//evil.example/admin",
      "/admin\\@evil",
      "/adminx",
      "/other",
      42,
      null,
      "/admin/sign-in",
    ]) {
      expect(safeCallbackUrl(bad)).toBe("/admin");
    }
  });
});
