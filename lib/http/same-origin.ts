import "server-only";
import { config } from "@/lib/config/env";
import { AppError } from "@/lib/errors";

/**
 * Route handlers that change state accept only requests sent by our own pages: the browser's `Origin`
 * (or, when a browser omits it, `Sec-Fetch-Site`) must name our own origin. Server actions get the
 * same protection from Next itself.
 */
export function isSameOrigin(request: Request): boolean {
  const expected = new URL(config().appUrl).origin;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    // Also accept the origin the request actually reached (e.g. http://127.0.0.1 vs localhost in tests).
    return origin === expected || origin === new URL(request.url).origin;
  }
  const site = request.headers.get("sec-fetch-site");
  return site === "same-origin";
}

/** Throws AppError FORBIDDEN (403) unless `request` comes from one of our own pages. */
export function assertSameOrigin(request: Request): void {
  if (!isSameOrigin(request)) {
    throw new AppError("FORBIDDEN", "This form must be sent from this site's own pages.", {
      internal: `cross-origin request refused (origin ${request.headers.get("origin") ?? "none"})`,
    });
  }
}
