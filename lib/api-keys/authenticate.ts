import "server-only";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/http/client-ip";
import { recordAudit, recordAuditTally } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { hashToken } from "@/lib/secrets/token-hash";
import {
  addressKey,
  consumeLeasedRateLimitNow,
  consumeRateLimit,
  rateLimitExhaustedRecentlyNow,
  waitText,
  type RateLimitVerdict,
} from "@/lib/rate-limit";
import { apiKeyRefusal } from "@/lib/api-keys/limits";
import { findApiKeyByHash } from "./cache";
import { countApiKeyUse } from "./usage";

export interface AuthenticatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  ip: string | null;
  /** Null: never expires. */
  expiresAt: Date | null;
  /** Empty: every connection; otherwise the only connections whose tokens the key may fetch. */
  connectionIds: string[];
}

/** Keys are 256-bit random values, so a plain SHA-256 looked up by its unique index is enough. */
export const hashApiKey = hashToken;

function rateLimited(verdict: Exclude<RateLimitVerdict, { allowed: true }>, what: string): AppError {
  return new AppError("RATE_LIMITED", `${what} Try again in ${waitText(verdict.retryAfterSeconds)}.`, {
    retryAfterSeconds: verdict.retryAfterSeconds,
    internal: `rate limit ${verdict.policy}`,
  });
}

/**
 * The API key of `Authorization: Bearer …` holding `scope` (guard.ts's requireApiKey). Rate-limited per
 * address, per key, and per address on unknown keys (429 with Retry-After). Unknown, revoked and expired
 * keys are 401, tallied in the audit trail (one row per reason, address and hour, with a count); a missing
 * scope is 403, audited; each accepted call is counted per key, scope and hour (usage.ts, in batches).
 * The key's record comes from the in-process cache (cache.ts: dropped on every instance when the key
 * changes); every check below (revoked, expiry, scopes, connections) runs on it per request.
 */
export async function authenticateApiKey(request: Request, scope: ApiKeyScope): Promise<AuthenticatedApiKey> {
  const ip = clientIpFrom(request.headers);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const presented = match?.[1];
  if (!presented) throw new AppError("UNAUTHENTICATED", "An API key is required: send Authorization: Bearer <key>.");
  const address = addressKey(ip);
  const keyHash = hashApiKey(presented);
  // The limits and the lookup at once, per key by its hash (so before it is known); usually all from memory,
  // the limits without even a promise: reserved blocks of points and a count at most a second old
  // (lib/rate-limit/README.md), the cached key.
  const [guessing, perAddress, perKey, key] = await Promise.all([
    rateLimitExhaustedRecentlyNow("api-key-failures-per-address", address),
    consumeLeasedRateLimitNow("api-per-address", address),
    consumeLeasedRateLimitNow("api-per-key", `key:${keyHash.slice(0, 32)}`),
    findApiKeyByHash(keyHash),
  ]);
  // An address that has sent too many unknown keys is paused, whichever key it sends: guessing stops.
  if (!guessing.allowed)
    throw rateLimited(guessing, "Too many requests with an unknown or revoked API key came from your address.");
  if (!perAddress.allowed) throw rateLimited(perAddress, "Too many requests came from your address.");
  const now = new Date();
  const refusal = key ? apiKeyRefusal(key, now) : "unknown";
  if (!key || refusal) {
    const reason = refusal ?? "unknown";
    // Guessing is what the failure limit stops; an expired key was real (its owner gets a clear 401).
    if (reason !== "expired") await consumeRateLimit("api-key-failures-per-address", address);
    await recordAuditTally({
      entry: {
        actor: { type: "anonymous", label: key ? key.prefix : "unknown api key" },
        action: "api_key.rejected",
        ip,
        outcome: "denied",
        details: { reason, firstScope: scope },
      },
      parts: ["api_key.rejected", reason, address],
    });
    if (refusal === "expired" && key?.expiresAt) {
      throw new AppError(
        "UNAUTHENTICATED",
        `This API key expired at ${key.expiresAt.toISOString()}: ask an admin for a new key.`,
      );
    }
    throw new AppError("UNAUTHENTICATED", "The API key is not valid or has been revoked.");
  }
  if (!perKey.allowed) throw rateLimited(perKey, "This API key has made too many requests.");
  const scopes = key.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
  if (!scopes.includes(scope)) {
    await recordAudit({
      actor: { type: "api-key", id: key.id, label: key.prefix },
      action: "api_key.denied",
      ip,
      outcome: "denied",
      details: { scope },
    });
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope.`);
  }
  countApiKeyUse(key.id, scope, now);
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes,
    ip,
    expiresAt: key.expiresAt,
    connectionIds: key.connectionIds,
  };
}
