import "server-only";
import { createHash } from "node:crypto";
import { API_KEY_SCOPES, type ApiKeyScope } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
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
export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

/**
 * The API key of `Authorization: Bearer …` holding `scope` (guard.ts's requireApiKey). Unknown and revoked
 * keys are 401, as are expired ones, a missing scope 403 (both audited); each accepted call is counted per key, scope and hour.
 * The key's record comes from the in-process cache (cache.ts: dropped on every instance when the key
 * changes); every check below (revoked, expiry, scopes, connections) runs on it per request.
 */
export async function authenticateApiKey(request: Request, scope: ApiKeyScope): Promise<AuthenticatedApiKey> {
  const ip = clientIpFrom(request.headers);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const presented = match?.[1];
  if (!presented) throw new AppError("UNAUTHENTICATED", "An API key is required: send Authorization: Bearer <key>.");
  const key = await findApiKeyByHash(hashApiKey(presented));
  const now = new Date();
  const refusal = key ? apiKeyRefusal(key, now) : "unknown";
  if (!key || refusal) {
    await recordAudit({ actor: { type: "anonymous", label: key ? key.prefix : "unknown api key" }, action: "api_key.rejected", ip, outcome: "denied", details: { scope, reason: refusal } });
    if (refusal === "expired" && key?.expiresAt) {
      throw new AppError("UNAUTHENTICATED", `This API key expired at ${key.expiresAt.toISOString()}: ask an admin for a new key.`);
    }
    throw new AppError("UNAUTHENTICATED", "The API key is not valid or has been revoked.");
  }
  const scopes = key.scopes.filter((s): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s));
  if (!scopes.includes(scope)) {
    await recordAudit({ actor: { type: "api-key", id: key.id, label: key.prefix }, action: "api_key.denied", ip, outcome: "denied", details: { scope } });
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope.`);
  }
  countApiKeyUse(key.id, scope, now);
  return { id: key.id, name: key.name, prefix: key.prefix, scopes, ip, expiresAt: key.expiresAt, connectionIds: key.connectionIds };
}
