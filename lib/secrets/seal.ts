import "server-only";
// Sealing with SECRETS_LOCAL_KEY: AES-256-GCM, a fresh 12-byte IV each time. Layout of a sealed value:
// iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes); the key id is stored beside it and names the format:
// - "v2:<id>" (every new value): the AES key is derived with HKDF from SECRETS_LOCAL_KEY, one per use
//   (./derive.ts), and the associated data binds purpose, name and version, so a copy moved to another
//   record, another version or another use fails to open;
// - "<id>" (written before v2): the raw SECRETS_LOCAL_KEY, associated data = the name only. Still opened;
//   `npm run secrets:rotate-key` re-seals such values as v2.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { config } from "@/lib/config/env";
import { localKeyId } from "@/lib/config/load";
import { deriveKey, type KeyLabel } from "./derive";

const IV_BYTES = 12;
const TAG_BYTES = 16;
const V2 = "v2:";

export type LocalKey = { id: string; key: Buffer };
/** The current key seals; the current and the previous key (during a rotation) open. */
export type Keyring = { current: LocalKey; previous: LocalKey | null };

/** What a sealed value is for: its use, the record's name, and the version of that record. */
export type SealPurpose = "local-secret" | "pending-secret" | "connection-token";
export type SealContext = { purpose: SealPurpose; name: string; version: string };

const KEY_FOR: Record<SealPurpose, KeyLabel> = {
  "local-secret": "localSecretStore",
  "pending-secret": "seal",
  "connection-token": "seal",
};

/** A version of a secret in the `local` store. */
export const localSecretContext = (name: string, versionId: string): SealContext => ({
  purpose: "local-secret",
  name,
  version: versionId,
});
/** A secret waiting for the store (its pending_secrets row id). */
export const pendingSecretContext = (name: string, pendingId: string): SealContext => ({
  purpose: "pending-secret",
  name,
  version: pendingId,
});
/** A connection's cached access token, obtained at `obtainedAt`. */
export const connectionTokenContext = (connectionId: string, obtainedAt: Date): SealContext => ({
  purpose: "connection-token",
  name: connectionId,
  version: String(obtainedAt.getTime()),
});

export class UnsealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsealError";
  }
}

export function localKeyFrom(key: Buffer): LocalKey {
  if (key.length !== 32) throw new Error("a local key must be 32 bytes");
  return { id: localKeyId(key), key };
}

/** The keyring of SECRETS_LOCAL_KEY (and SECRETS_LOCAL_KEY_PREVIOUS when set). */
export function configKeyring(): Keyring {
  const { localKey, previousLocalKey } = config().secrets;
  return { current: localKeyFrom(localKey), previous: previousLocalKey ? localKeyFrom(previousLocalKey) : null };
}

/** The stored key id of values sealed now: v2 under the keyring's current key. */
export function currentSealKeyId(keyring: Keyring): string {
  return `${V2}${keyring.current.id}`;
}

/** The stored key ids a value sealed under `rootKeyId` may carry (v2 and the format before it). */
export function sealKeyIdsOf(rootKeyId: string): string[] {
  return [`${V2}${rootKeyId}`, rootKeyId];
}

function aadV2(ctx: SealContext): Buffer {
  return Buffer.from(JSON.stringify(["seller-onboarding/seal/v2", ctx.purpose, ctx.name, ctx.version]), "utf8");
}

/** The associated data values sealed before v2 carried. */
function aadLegacy(ctx: SealContext): Buffer {
  return Buffer.from(ctx.purpose === "connection-token" ? `connection-token:${ctx.name}` : ctx.name, "utf8");
}

/** Seals under the keyring's current key, in the v2 format. */
export function sealWith(keyring: Keyring, plaintext: string, ctx: SealContext): { sealed: Buffer; keyId: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(keyring.current.key, KEY_FOR[ctx.purpose]), iv);
  cipher.setAAD(aadV2(ctx));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { sealed: Buffer.concat([iv, body, cipher.getAuthTag()]), keyId: currentSealKeyId(keyring) };
}

/** Opens a sealed value (v2 or the format before it) with whichever key of the keyring its key id names. */
export function unsealWith(keyring: Keyring, sealed: Uint8Array, keyId: string, ctx: SealContext): string {
  const v2 = keyId.startsWith(V2);
  const rootId = v2 ? keyId.slice(V2.length) : keyId;
  const root = [keyring.current, keyring.previous].find((k) => k?.id === rootId);
  if (!root) {
    throw new UnsealError(
      `sealed under local key ${rootId}, which is neither SECRETS_LOCAL_KEY (${keyring.current.id})` +
        (keyring.previous
          ? ` nor SECRETS_LOCAL_KEY_PREVIOUS (${keyring.previous.id})`
          : " (and SECRETS_LOCAL_KEY_PREVIOUS is not set)"),
    );
  }
  const buf = Buffer.from(sealed);
  if (buf.length < IV_BYTES + TAG_BYTES) throw new UnsealError("sealed value is truncated");
  const key = v2 ? deriveKey(root.key, KEY_FOR[ctx.purpose]) : root.key;
  const decipher = createDecipheriv("aes-256-gcm", key, buf.subarray(0, IV_BYTES));
  decipher.setAAD(v2 ? aadV2(ctx) : aadLegacy(ctx));
  decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new UnsealError(
      "sealed value does not open: it was altered, moved from another record, or sealed under another key",
    );
  }
}

/** Seals `plaintext` under SECRETS_LOCAL_KEY, bound to `ctx`. */
export function seal(plaintext: string, ctx: SealContext): { sealed: Buffer; keyId: string } {
  return sealWith(configKeyring(), plaintext, ctx);
}

/** Opens a value sealed by `seal` (under the current or the previous local key) with the same `ctx`. */
export function unseal(sealed: Uint8Array, keyId: string, ctx: SealContext): string {
  return unsealWith(configKeyring(), sealed, keyId, ctx);
}
