// The Noon simulator's state: pending consents, authorization codes, access tokens, integrator sessions,
// used login `jti`s and the seller keys it issued, with the few operations on them that tests call too.
import { randomBytes, randomInt, type KeyObject } from "node:crypto";

export type NoonPrivateKeyFormat = "pkcs1" | "pkcs8";

/** The integrator's service-account key file, as downloaded from the Noon Partners Access App. */
export type NoonKeyFile = {
  key_id: string;
  private_key: string;
  project_code: string;
  channel_identifier: string;
  user_code: string;
  type: "apijwt";
};

export type IssuedSellerKey = {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  projectCode: string;
  channelIdentifier: string;
  issuedAt: string;
  oauthRequestId: string;
  /** Set when the key was deactivated (`POST /__sim/keys/revoke`): logins with it fail at once. */
  revokedAt?: string;
};

export type PendingConsent = { clientId: string; state: string; projectCode: string; expiresAt: number };
export type AuthorizationCode = { clientId: string; projectCode: string; expiresAt: number; used: boolean };
export type AccessToken = { clientId: string; projectCode: string; expiresAt: number; used: boolean };
export type Session = { sid: string; rtnetid: string; userCode: string; expiresAt: number; projectCode: string };

export type NoonSimulatorState = {
  pendingConsents: Map<string, PendingConsent>;
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, AccessToken>;
  sessions: Map<string, Session>;
  usedJtis: Set<string>;
  /** Every seller key handed out by token/exchange, by key_id (tests compare PEMs byte for byte). */
  issuedKeys: Map<string, IssuedSellerKey>;
  /** oauth_request_id of every exchange that returned a key, in order. */
  oauthRequestIds: string[];
};

export const CODE_TTL_MS = 10 * 60 * 1000;

export function createState(): NoonSimulatorState {
  return {
    pendingConsents: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    sessions: new Map(),
    usedJtis: new Set(),
    issuedKeys: new Map(),
    oauthRequestIds: [],
  };
}

export function clearState(state: NoonSimulatorState): void {
  state.pendingConsents.clear();
  state.codes.clear();
  state.accessTokens.clear();
  state.sessions.clear();
  state.usedJtis.clear();
  state.issuedKeys.clear();
  state.oauthRequestIds.length = 0;
}

/** An authorization code as if a seller approved (10 minutes, single use). */
export function issueAuthorizationCode(
  state: NoonSimulatorState,
  now: number,
  o: { projectCode: string; clientId: string },
): string {
  const code = random(32);
  state.codes.set(code, {
    clientId: o.clientId,
    projectCode: o.projectCode,
    expiresAt: now + CODE_TTL_MS,
    used: false,
  });
  return code;
}

/** Deactivates an issued seller key (as Noon does at once); false when no such key was issued. */
export function revokeKey(state: NoonSimulatorState, keyId: string, now: number): boolean {
  const issued = state.issuedKeys.get(keyId);
  if (!issued) return false;
  issued.revokedAt ??= isoSeconds(now);
  // Deactivation is immediate: the key's open sessions end too.
  const userCode = sellerUserCode(issued.keyId);
  for (const session of state.sessions.values()) if (session.userCode === userCode) state.sessions.delete(session.sid);
  return true;
}

/** The user code of the service account behind an issued seller key. */
export function sellerUserCode(keyId: string): string {
  return `usr_${keyId.slice(0, 16)}`;
}

export function random(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function randomProjectCode(): string {
  return `PRJ${randomInt(10000, 100000)}`;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function exportPrivate(key: KeyObject, format: NoonPrivateKeyFormat): string {
  return key.export({ type: format, format: "pem" }).toString();
}
