// What the database keeps of a bearer value (API key, onboarding-link token, OAuth state): its SHA-256.
// The values are 256-bit random, so a plain hash looked up by a unique index is enough (no salt, no KDF).
import { createHash, hash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** SHA-256 (hex) of a token: what a row stores and is searched by. One call (every /api/v1 request makes it). */
export function hashToken(value: string): string {
  return hash("sha256", value, "hex");
}

/** Constant-time equality of two tokens (compared as digests, so lengths leak nothing either). */
export function sameToken(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
