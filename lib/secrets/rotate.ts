import "server-only";
// Key rotation for everything sealed with SECRETS_LOCAL_KEY: local secret versions, pending secrets and
// cached connection tokens are re-sealed under the new key (SECRETS_LOCAL_KEY) while the old one is still
// given (SECRETS_LOCAL_KEY_PREVIOUS). Each row is opened with the key its stored key id names.
import { db as defaultDb, type Db } from "@/lib/db/client";
import { configKeyring, connectionTokenAad, sealWith, unsealWith, type Keyring } from "./seal";

export type RotationReport = {
  keyId: string;
  resealed: { localSecretVersions: number; pendingSecrets: number; connectionTokens: number };
  /** Rows that did not open (unknown key id or altered): left as they are, named for an operator. */
  failed: { table: string; id: string; reason: string }[];
};

const BATCH = 200;

type Row = { id: string; sealed: Uint8Array; keyId: string; aad: string };

async function resealTable(
  table: string,
  keyring: Keyring,
  fetch: (afterId: string | undefined) => Promise<Row[]>,
  write: (row: Row, sealed: Buffer, keyId: string) => Promise<number>,
  failed: RotationReport["failed"],
): Promise<number> {
  let done = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length === 0) return done;
    for (const row of rows) {
      after = row.id;
      let plain: string;
      try {
        plain = unsealWith(keyring, row.sealed, row.keyId, row.aad);
      } catch (error) {
        failed.push({ table, id: row.id, reason: error instanceof Error ? error.message : "does not open" });
        continue;
      }
      const { sealed, keyId } = sealWith(keyring, plain, row.aad);
      // Only if nobody re-sealed or replaced the row meanwhile (the write is conditional on the old key id).
      done += await write(row, sealed, keyId);
    }
  }
}

/** Re-seals every value not yet under the current local key. Safe to run again (only old rows change). */
export async function rotateLocalKey(
  opts: {
    db?: Db;
    keyring?: Keyring;
    /** Only rows sealed under these key ids (default: every row not under the current key). */
    fromKeyIds?: string[];
  } = {},
): Promise<RotationReport> {
  const client = opts.db ?? defaultDb();
  const keyring = opts.keyring ?? configKeyring();
  const current = keyring.current.id;
  const keyFilter = opts.fromKeyIds ? { in: opts.fromKeyIds.filter((id) => id !== current) } : { not: current };
  const failed: RotationReport["failed"] = [];

  const localSecretVersions = await resealTable(
    "local_secret_versions",
    keyring,
    async (after) =>
      (await client.localSecretVersion.findMany({
        where: { localKeyId: keyFilter, ...(after ? { versionId: { gt: after } } : {}) },
        orderBy: { versionId: "asc" },
        take: BATCH,
        select: { versionId: true, secretName: true, sealed: true, localKeyId: true },
      })).map((r) => ({ id: r.versionId, sealed: r.sealed, keyId: r.localKeyId, aad: r.secretName })),
    async (row, sealed, keyId) =>
      (await client.localSecretVersion.updateMany({
        where: { versionId: row.id, localKeyId: row.keyId },
        data: { sealed: new Uint8Array(sealed), localKeyId: keyId },
      })).count,
    failed,
  );

  const pendingSecrets = await resealTable(
    "pending_secrets",
    keyring,
    async (after) =>
      (await client.pendingSecret.findMany({
        where: { localKeyId: keyFilter, ...(after ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: BATCH,
        select: { id: true, secretName: true, sealed: true, localKeyId: true },
      })).map((r) => ({ id: r.id, sealed: r.sealed, keyId: r.localKeyId, aad: r.secretName })),
    async (row, sealed, keyId) =>
      (await client.pendingSecret.updateMany({
        where: { id: row.id, localKeyId: row.keyId },
        data: { sealed: new Uint8Array(sealed), localKeyId: keyId },
      })).count,
    failed,
  );

  const connectionTokens = await resealTable(
    "connection_tokens",
    keyring,
    async (after) =>
      (await client.connectionToken.findMany({
        where: { localKeyId: keyFilter, ...(after ? { connectionId: { gt: after } } : {}) },
        orderBy: { connectionId: "asc" },
        take: BATCH,
        select: { connectionId: true, sealed: true, localKeyId: true },
      })).map((r) => ({ id: r.connectionId, sealed: r.sealed, keyId: r.localKeyId, aad: connectionTokenAad(r.connectionId) })),
    async (row, sealed, keyId) =>
      (await client.connectionToken.updateMany({
        where: { connectionId: row.id, localKeyId: row.keyId },
        data: { sealed: new Uint8Array(sealed), localKeyId: keyId },
      })).count,
    failed,
  );

  return { keyId: current, resealed: { localSecretVersions, pendingSecrets, connectionTokens }, failed };
}
