import "server-only";
// What limits a key beyond its scopes: revocation, expiry and a list of connections. Columns of the key
// row evaluated on every call, so they hold however the key record was obtained (database or cache).
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";

/** Why a stored key may not be used at `now`, or null. */
export function apiKeyRefusal(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
): "revoked" | "expired" | null {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return "expired";
  return null;
}

/** Whether the key may fetch tokens of this connection (every connection, or one of those it names). */
export function keyAllowsConnection(key: { connectionIds: string[] }, connectionId: string): boolean {
  return key.connectionIds.length === 0 || key.connectionIds.includes(connectionId.toLowerCase());
}

/** A key limited to named connections may fetch tokens of those only: 403 (audited) for any other. */
export async function refuseUnlistedConnection(
  key: { id: string; prefix: string; ip: string | null; connectionIds: string[] },
  connectionId: string,
): Promise<void> {
  if (keyAllowsConnection(key, connectionId)) return;
  await recordAudit({
    actor: { type: "api-key", id: key.id, label: key.prefix },
    action: "api_key.denied",
    ip: key.ip,
    outcome: "denied",
    details: { scope: "connection-tokens", connectionId: connectionId.slice(0, 100) },
  });
  throw new AppError(
    "FORBIDDEN",
    "This API key is limited to named connections and this connection is not one of them: ask an admin for a key that includes it.",
  );
}
