// Helpers shared by both backends.
import { createHash } from "node:crypto";
import type { SecretKind } from "./types";

/**
 * The write's token (AWS ClientRequestToken, local version id): a UUID-shaped SHA-256 of the idempotency
 * key, so a retried write carries the same token and makes no second version.
 */
export function requestToken(idempotencyKey: string): string {
  if (!idempotencyKey) throw new Error("an idempotency key is required");
  const h = createHash("sha256").update(`secret-write:${idempotencyKey}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

// AWS tag keys and values: letters, digits, spaces and _.:/=+-@ (keys ≤ 128, values ≤ 256 characters).
const TAG_DISALLOWED = /[^\p{L}\p{N} _.:/=+\-@]/gu;

/** The store's tags: application and kind first, then the caller's (sanitized for AWS). */
export function storeTags(kind: SecretKind, extra: Record<string, string> = {}): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) {
    const key = k.replace(TAG_DISALLOWED, "-").slice(0, 128);
    if (key && !key.toLowerCase().startsWith("aws:")) tags[key] = v.replace(TAG_DISALLOWED, "-").slice(0, 256);
  }
  return { ...tags, application: "seller-onboarding", kind };
}
