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
