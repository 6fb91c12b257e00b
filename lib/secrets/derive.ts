import "server-only";
// One secret, several keys: each use of a configured secret gets its own key, derived with HKDF-SHA-256
// under a distinct label, so a key disclosed or misused in one place opens nothing elsewhere.
import { hkdfSync } from "node:crypto";

export const KEY_LABELS = {
  /** From SECRETS_LOCAL_KEY: values sealed while they wait or are cached (pending secrets, connection tokens). */
  seal: "seller-onboarding/v2/seal",
  /** From SECRETS_LOCAL_KEY: the `local` secret store's values. */
  localSecretStore: "seller-onboarding/v2/local-secret-store",
  /** From SESSION_SECRET: the seller-session cookie (iron-session). */
  sellerSessionCookie: "seller-onboarding/v2/cookie/seller-session",
} as const;

export type KeyLabel = keyof typeof KEY_LABELS;

const cache = new Map<string, Buffer>();

/** A 32-byte key for `label`, derived from `secret` (raw key bytes, or a configured secret string). */
export function deriveKey(secret: Buffer | string, label: KeyLabel): Buffer {
  const input = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
  const cacheKey = `${label}\0${input.toString("base64")}`;
  let key = cache.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", input, Buffer.alloc(0), KEY_LABELS[label], 32));
    cache.set(cacheKey, key);
  }
  return key;
}
