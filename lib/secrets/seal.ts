import "server-only";
// Sealing with SECRETS_LOCAL_KEY: AES-256-GCM, a fresh 12-byte IV each time, and associated data that
// binds a sealed value to where it belongs (a copy moved elsewhere fails to open).
// Layout of a sealed value: iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes). The key id is stored beside it.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { config } from "@/lib/config/env";
import { localKeyId } from "@/lib/config/load";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export type LocalKey = { id: string; key: Buffer };
/** The current key seals; the current and the previous key (during a rotation) open. */
export type Keyring = { current: LocalKey; previous: LocalKey | null };

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

/** Seals under the keyring's current key. */
export function sealWith(keyring: Keyring, plaintext: string, aad: string): { sealed: Buffer; keyId: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { sealed: Buffer.concat([iv, body, cipher.getAuthTag()]), keyId: keyring.current.id };
}

/** Opens a sealed value with whichever key of the keyring has the stored key id. */
export function unsealWith(keyring: Keyring, sealed: Uint8Array, keyId: string, aad: string): string {
  const key = [keyring.current, keyring.previous].find((k) => k?.id === keyId);
  if (!key) {
    throw new UnsealError(
      `sealed under local key ${keyId}, which is neither SECRETS_LOCAL_KEY (${keyring.current.id})` +
        (keyring.previous ? ` nor SECRETS_LOCAL_KEY_PREVIOUS (${keyring.previous.id})` : " (and SECRETS_LOCAL_KEY_PREVIOUS is not set)"),
    );
  }
  const buf = Buffer.from(sealed);
  if (buf.length < IV_BYTES + TAG_BYTES) throw new UnsealError("sealed value is truncated");
  const decipher = createDecipheriv("aes-256-gcm", key.key, buf.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new UnsealError("sealed value does not open: it was altered, moved from another record, or sealed under another key");
  }
}

/** Seals `plaintext` under SECRETS_LOCAL_KEY, bound to `aad` (e.g. the secret's name). */
export function seal(plaintext: string, aad: string): { sealed: Buffer; keyId: string } {
  return sealWith(configKeyring(), plaintext, aad);
}

/** Opens a value sealed by `seal` (under the current or the previous local key) with the same `aad`. */
export function unseal(sealed: Uint8Array, keyId: string, aad: string): string {
  return unsealWith(configKeyring(), sealed, keyId, aad);
}

/**
 * The associated data for `connection_tokens.sealed`: the connections module seals access tokens with it,
 * and the key rotation re-seals them with it.
 */
export function connectionTokenAad(connectionId: string): string {
  return `connection-token:${connectionId}`;
}
