import "server-only";
// The connection row as the domain sees it, and reading its client secret from the secret store.
import type { Connection } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { secretStore } from "@/lib/secrets/index";
import { SecretStoreError } from "@/lib/secrets/types";
import type { BodyEncoding, CredentialsIn, TokenRequestConfig } from "./providers/types";

// As the app client reads it: without the token lease's internal columns (lib/db/omit.ts).
export type ConnectionRecord = Omit<Connection, "tokenFence" | "tokenLeaseUntil">;

export function toRequestConfig(connection: ConnectionRecord): TokenRequestConfig {
  return {
    provider: connection.provider,
    tokenUrl: connection.tokenUrl,
    apiBaseUrl: connection.apiBaseUrl,
    clientId: connection.clientId,
    scope: connection.scope,
    credentialsIn: (connection.credentialsIn === "body" ? "body" : "basic") satisfies CredentialsIn,
    bodyEncoding: (connection.bodyEncoding === "json" ? "json" : "form") satisfies BodyEncoding,
  };
}

/** A URL's origin (scheme, host, port) as the binding compares it; "invalid" for what is not a URL. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "invalid";
  }
}

/**
 * Defence in depth for the binding lib/connections/service.ts keeps: the secret goes only to the token URL
 * origin it was entered for. Throws when the row says otherwise (e.g. edited outside the dashboard).
 */
export function assertSecretBoundHere(connection: ConnectionRecord): void {
  const origin = originOf(connection.tokenUrl);
  if (connection.secretTokenOrigin !== origin) {
    throw new AppError(
      "CONFLICT",
      `The client secret was entered for ${connection.secretTokenOrigin ?? "another host"}, but the token URL is on ${origin}: it is not sent there. Enter the secret again in the connection's settings.`,
    );
  }
}

/** The connection's current client secret (the version the connection points at, not whatever is newest). */
export async function readClientSecret(connection: ConnectionRecord): Promise<string> {
  if (!connection.secretName)
    throw new AppError("CONFLICT", "This connection has no client secret yet: set one in the dashboard.");
  assertSecretBoundHere(connection);
  try {
    const { value } = await secretStore().get(
      connection.secretName,
      connection.secretVersionId ? { versionId: connection.secretVersionId } : undefined,
    );
    return value;
  } catch (error) {
    if (error instanceof SecretStoreError) {
      throw new AppError("UNAVAILABLE", `The client secret could not be read from the secret store (${error.kind}).`, {
        internal: error.message,
        cause: error,
      });
    }
    throw error;
  }
}
