import "server-only";
import { createHash } from "node:crypto";
import type { ApiKeyScope } from "@/lib/auth/permissions";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { findApiKeyByHash } from "./cache";
import { countApiKeyUse } from "./usage";

export interface AuthenticatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  ip: string | null;
}

/** Keys are 256-bit random values, so a plain SHA-256 looked up by its unique index is enough. */
export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

/**
 * The API key of `Authorization: Bearer …` holding `scope` (guard.ts's requireApiKey). Unknown and revoked
 * keys are 401, a missing scope 403 (both audited); each accepted call is counted per key, scope and hour.
 * The key's record comes from the in-process cache (cache.ts: dropped on every instance when the key
 * changes); every check below runs on it per request.
 */
export async function authenticateApiKey(request: Request, scope: ApiKeyScope): Promise<AuthenticatedApiKey> {
  const ip = clientIpFrom(request.headers);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  const presented = match?.[1];
  if (!presented) throw new AppError("UNAUTHENTICATED", "An API key is required: send Authorization: Bearer <key>.");
  const key = await findApiKeyByHash(hashApiKey(presented));
  if (!key || key.revokedAt) {
    await recordAudit({ actor: { type: "anonymous", label: key ? key.prefix : "unknown api key" }, action: "api_key.rejected", ip, outcome: "denied", details: { scope, reason: key ? "revoked" : "unknown" } });
    throw new AppError("UNAUTHENTICATED", "The API key is not valid or has been revoked.");
  }
  const scopes = key.scopes.filter((s): s is ApiKeyScope => s === "onboarding-links" || s === "connection-tokens");
  if (!scopes.includes(scope)) {
    await recordAudit({ actor: { type: "api-key", id: key.id, label: key.prefix }, action: "api_key.denied", ip, outcome: "denied", details: { scope } });
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope.`);
  }
  countApiKeyUse(key.id, scope);
  return { id: key.id, name: key.name, prefix: key.prefix, scopes, ip };
}
