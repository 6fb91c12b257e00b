// What "connected" means for a seller, decided here once for every page and API answer.

type CredentialStatus = "ACTIVE" | "PENDING_STORAGE" | "SUPERSEDED";

/**
 * "connected": an active credential (its key is in the secret store); "storing_key": Noon handed over a
 * key that still waits in the sealed queue for the store; "not_connected": nothing, or only replaced keys.
 */
export type SellerConnectionState = "connected" | "storing_key" | "not_connected";

export function sellerConnectionState(credentials: readonly { status: CredentialStatus }[]): SellerConnectionState {
  if (credentials.some((c) => c.status === "ACTIVE")) return "connected";
  if (credentials.some((c) => c.status === "PENDING_STORAGE")) return "storing_key";
  return "not_connected";
}

/** The seller has handed over a key that is not replaced (stored or on its way): a new connection adds one. */
export function hasConnectedNoonAccount(credentials: readonly { status: CredentialStatus }[]): boolean {
  return sellerConnectionState(credentials) !== "not_connected";
}
