import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, securityHeaders } from "@/lib/auth/security-headers";

describe("security headers", () => {
  const csp = contentSecurityPolicy({
    nonce: "abc123",
    development: false,
    formTargets: ["http://127.0.0.1:4000/authorize", undefined, "not a url"],
  });
  const directive = (name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `)) ?? "";

  it("allows scripts only with the nonce, never inline or eval", () => {
    expect(directive("script-src")).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
  });

  it("forbids framing and limits form targets to us and the consent origin", () => {
    expect(directive("frame-ancestors")).toBe("frame-ancestors 'none'");
    expect(directive("form-action")).toBe("form-action 'self' http://127.0.0.1:4000");
    expect(directive("object-src")).toBe("object-src 'none'");
  });

  it("adds HSTS only in production", () => {
    expect(securityHeaders(true)["Strict-Transport-Security"]).toContain("max-age=");
    expect(securityHeaders(false)["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders(false)["X-Content-Type-Options"]).toBe("nosniff");
    expect(securityHeaders(false)["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  });
});
