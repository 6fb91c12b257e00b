// What every answer of GET /api/noon/callback carries. The route is served without proxy.ts (its matcher skips
// that path), so these come from next.config.mjs (lib/auth/static-headers.mjs): checked on its 400 pages, 405,
// OPTIONS (e2e/security-headers.spec.ts) and on the 303 of a real approval and decline (e2e/seller-connect.spec.ts).
import type { APIResponse, Response } from "@playwright/test";
import { expect } from "./fixtures";

/** Its pages are self-contained: inline styles only, nothing loads, nothing frames them. */
export const CALLBACK_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export async function expectCallbackHeaders(response: APIResponse | Response, what: string): Promise<void> {
  // A header sent twice would mean two sources disagree: each is counted (joined values would not match either).
  const list = "allHeaders" in response ? await response.headersArray() : response.headersArray();
  const headers: Record<string, string> = {};
  for (const { name, value } of list) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]} | ${value}` : value;
  }
  const exactly: Record<string, string> = {
    "content-security-policy": CALLBACK_CSP,
    // A one-time code and state are in this URL: never sent on as a Referer, never stored by a cache.
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    // next start runs with NODE_ENV=production in the e2e run.
    "strict-transport-security": "max-age=63072000; includeSubDomains",
  };
  for (const [name, value] of Object.entries(exactly)) expect(headers[name], `${what}: ${name}`).toBe(value);
  expect(headers["x-powered-by"], `${what}: X-Powered-By`).toBeUndefined();
}
