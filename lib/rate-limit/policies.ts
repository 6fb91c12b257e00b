// The named rate-limit policies: how many requests (points) one key may make per window. Pure data, free of
// "server-only": lib/config validates RATE_LIMITS overrides against these names.
import type { Result } from "../errors";

export type RateLimitPolicy = { points: number; durationSeconds: number };

export const RATE_LIMIT_POLICIES = {
  /** GET /onboard/{token}, per client address. */
  "onboarding-link-per-address": { points: 60, durationSeconds: 600 },
  /** GET /onboard/{token}, per link token (hashed). */
  "onboarding-link-per-link": { points: 30, durationSeconds: 600 },
  /** POST /api/noon/connect, per client address. */
  "noon-connect-per-address": { points: 20, durationSeconds: 600 },
  /** POST /api/noon/connect, per seller: each one starts an authorization. */
  "noon-connect-per-seller": { points: 10, durationSeconds: 600 },
  /** GET /api/noon/callback answers that are rejections, per client address. */
  "noon-callback-rejections-per-address": { points: 20, durationSeconds: 600 },
  /** /api/v1, every request, per client address (before the key is looked at). */
  "api-per-address": { points: 1200, durationSeconds: 60 },
  /** /api/v1, per presented API key (keyed by its hash). */
  "api-per-key": { points: 1200, durationSeconds: 60 },
  /** /api/v1, unknown or revoked API keys, per client address: guessing stops here. */
  "api-key-failures-per-address": { points: 10, durationSeconds: 600 },
} as const satisfies Record<string, RateLimitPolicy>;

export type RateLimitPolicyName = keyof typeof RATE_LIMIT_POLICIES;

export const RATE_LIMIT_POLICY_NAMES = Object.keys(RATE_LIMIT_POLICIES) as RateLimitPolicyName[];

export function isRateLimitPolicyName(name: string): name is RateLimitPolicyName {
  return Object.hasOwn(RATE_LIMIT_POLICIES, name);
}

/**
 * Reads RATE_LIMITS ("name=points/seconds, …", e.g. "api-per-key=6000/60"). Returns the overrides, or a
 * problem for people naming the item that is wrong.
 */
export function parseRateLimitOverrides(
  value: string | undefined,
): Result<Partial<Record<RateLimitPolicyName, RateLimitPolicy>>, string> {
  const overrides: Partial<Record<RateLimitPolicyName, RateLimitPolicy>> = {};
  for (const item of (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([a-z-]+)=(\d+)\/(\d+)$/.exec(item);
    if (!match) return { ok: false, error: `"${item}" is not name=points/seconds (e.g. api-per-key=6000/60)` };
    const [, name = "", points = "", seconds = ""] = match;
    if (!isRateLimitPolicyName(name))
      return {
        ok: false,
        error: `"${name}" is not a rate-limit policy (one of ${RATE_LIMIT_POLICY_NAMES.join(", ")})`,
      };
    if (Number(points) < 1 || Number(seconds) < 1)
      return { ok: false, error: `"${item}": points and seconds must be at least 1` };
    overrides[name] = { points: Number(points), durationSeconds: Number(seconds) };
  }
  return { ok: true, data: overrides };
}
