import "server-only";
import { createHash } from "node:crypto";
import type { ApiKeyScope } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { recordAudit, recordAuditTally } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { addressKey, consumeRateLimit, rateLimitExhausted, waitText, type RateLimitVerdict } from "@/lib/rate-limit";

export interface AuthenticatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  ip: string | null;
}

/** Keys are 256-bit random values, so a plain SHA-256 looked up by its unique index is enough. */
export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

function rateLimited(verdict: Exclude<RateLimitVerdict, { allowed: true }>, what: string): AppError {
  return new AppError("RATE_LIMITED", `${what} Try again in ${waitText(verdict.retryAfterSeconds)}.`, {
    retryAfterSeconds: verdict.retryAfterSeconds,
    internal: `rate limit ${verdict.policy}`,
  });
}

/**
 * The API key of `Authorization: Bearer …` holding `scope` (guard.ts's requireApiKey). Rate-limited per
 * address, per key, and per address on unknown keys (429 with Retry-After). Unknown and revoked keys are 401,
 * tallied in the audit trail (one row per address, reason and hour, with a count); a missing scope is 403,
 * audited; each accepted call is counted per key, scope and hour.
 */
export async function authenticateApiKey(request: Request, scope: ApiKeyScope): Promise<AuthenticatedApiKey> {
  const ip = clientIpFrom(request.headers);
  const address = addressKey(ip);
  // An address that has sent too many unknown keys is paused before any key is looked at: guessing stops.
  const guessing = await rateLimitExhausted("api-key-failures-per-address", address);
  if (!guessing.allowed) throw rateLimited(guessing, "Too many requests with an unknown or revoked API key came from your address.");
  const perAddress = await consumeRateLimit("api-per-address", address);
  if (!perAddress.allowed) throw rateLimited(perAddress, "Too many requests came from your address.");

  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const presented = match?.[1];
  if (!presented) throw new AppError("UNAUTHENTICATED", "An API key is required: send Authorization: Bearer <key>.");
  const key = await db().apiKey.findUnique({ where: { keyHash: hashApiKey(presented) } });
  if (!key || key.revokedAt) {
    const reason = key ? "revoked" : "unknown";
    await consumeRateLimit("api-key-failures-per-address", address);
    await recordAuditTally(
      { actor: { type: "anonymous", label: key ? key.prefix : "unknown api key" }, action: "api_key.rejected", ip, outcome: "denied", details: { reason, firstScope: scope } },
      ["api_key.rejected", reason, address],
    );
    throw new AppError("UNAUTHENTICATED", "The API key is not valid or has been revoked.");
  }
  const perKey = await consumeRateLimit("api-per-key", `key:${key.id}`);
  if (!perKey.allowed) throw rateLimited(perKey, "This API key has made too many requests.");
  const scopes = key.scopes.filter((s): s is ApiKeyScope => s === "onboarding-links" || s === "connection-tokens");
  if (!scopes.includes(scope)) {
    await recordAudit({ actor: { type: "api-key", id: key.id, label: key.prefix }, action: "api_key.denied", ip, outcome: "denied", details: { scope } });
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope.`);
  }
  const now = new Date();
  const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  await db().$transaction([
    db().apiKeyUsage.upsert({
      where: { apiKeyId_hour_scope: { apiKeyId: key.id, hour, scope } },
      create: { apiKeyId: key.id, hour, scope, count: 1 },
      update: { count: { increment: 1 } },
    }),
    db().apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } }),
  ]);
  return { id: key.id, name: key.name, prefix: key.prefix, scopes, ip };
}
