// The fixed security headers, in plain JavaScript so next.config.mjs (loaded by Node without a compiler) and
// lib/auth/security-headers.ts share one list. Types: static-headers.d.mts.

/** @param {boolean} production */
export function securityHeaders(production) {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    ...(production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** The internal API answers JSON only: nothing may load, frame or run from it. */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/** The Noon routes' own answers (lib/noon/pages.ts: small self-contained pages, redirects): inline styles only. */
export const SELLER_ROUTE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * GET /api/noon/callback is served without proxy.ts (its matcher skips that path): besides the fixed headers
 * above, these are its own, set by next.config.mjs. It carries a one-time code and state: never a Referer,
 * never cached.
 */
export const NOON_CALLBACK_PATH = "/api/noon/callback";
export function noonCallbackHeaders() {
  return {
    "Content-Security-Policy": SELLER_ROUTE_CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  };
}
