import "server-only";
// Key rotation for everything sealed with SECRETS_LOCAL_KEY: local secret versions, pending secrets and
// cached connection tokens are re-sealed under the new key (SECRETS_LOCAL_KEY) while the old one is still
// given (SECRETS_LOCAL_KEY_PREVIOUS), and values in the format before v2 are re-sealed as v2 (./seal.ts).
// Each row is opened with the key its stored key id names.
import { db as defaultDb, type Db } from "@/lib/db/client";
import {
  configKeyring,
  connectionTokenContext,
  currentSealKeyId,
  localSecretContext,
  pendingSecretContext,
  sealKeyIdsOf,
  sealWith,
  unsealWith,
  type Keyring,
  type SealContext,
} from "./seal";

export type RotationReport = {
  keyId: string;
  resealed: { localSecretVersions: number; pendingSecrets: number; connectionTokens: number };
  /** Rows that did not open (unknown key id or altered): left as they are, named for an operator. */
  failed: { table: string; id: string; reason: string }[];
};

const BATCH = 200;

type Row = { id: string; sealed: Uint8Array; keyId: string; ctx: SealContext };

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
        plain = unsealWith(keyring, row.sealed, row.keyId, row.ctx);
      } catch (error) {
        failed.push({ table, id: row.id, reason: error instanceof Error ? error.message : "does not open" });
        continue;
      }
      const { sealed, keyId } = sealWith(keyring, plain, row.ctx);
      // Only if nobody re-sealed or replaced the row meanwhile (the write is conditional on the old key id).
      done += await write(row, sealed, keyId);
    }
  }
}

/** Re-seals every value not yet under the current local key in the v2 format. Safe to run again (only old rows change). */
export async function rotateLocalKey(
  opts: {
    db?: Db;
    keyring?: Keyring;
    /** Only rows sealed under these local key ids, in either format (default: every row not v2 under the current key). */
    fromKeyIds?: string[];
  } = {},
): Promise<RotationReport> {
  const client = opts.db ?? defaultDb();
  const keyring = opts.keyring ?? configKeyring();
  const current = currentSealKeyId(keyring);
  const keyFilter = opts.fromKeyIds
    ? { in: opts.fromKeyIds.flatMap(sealKeyIdsOf).filter((id) => id !== current) }
    : { not: current };
  const failed: RotationReport["failed"] = [];

  const localSecretVersions = await resealTable(
    "local_secret_versions",
    keyring,
    async (after) =>
      (
        await client.localSecretVersion.findMany({
          where: { localKeyId: keyFilter, ...(after ? { versionId: { gt: after } } : {}) },
          orderBy: { versionId: "asc" },
          take: BATCH,
          select: { versionId: true, secretName: true, sealed: true, localKeyId: true },
        })
      ).map((r) => ({
        id: r.versionId,
        sealed: r.sealed,
        keyId: r.localKeyId,
        ctx: localSecretContext(r.secretName, r.versionId),
      })),
    async (row, sealed, keyId) =>
      (
        await client.localSecretVersion.updateMany({
          where: { versionId: row.id, localKeyId: row.keyId },
          data: { sealed: new Uint8Array(sealed), localKeyId: keyId },
        })
      ).count,
    failed,
  );

  const pendingSecrets = await resealTable(
    "pending_secrets",
    keyring,
    async (after) =>
      (
        await client.pendingSecret.findMany({
          where: { localKeyId: keyFilter, ...(after ? { id: { gt: after } } : {}) },
          orderBy: { id: "asc" },
          take: BATCH,
          select: { id: true, secretName: true, sealed: true, localKeyId: true },
        })
      ).map((r) => ({
        id: r.id,
        sealed: r.sealed,
        keyId: r.localKeyId,
        ctx: pendingSecretContext(r.secretName, r.id),
      })),
    async (row, sealed, keyId) =>
      (
        await client.pendingSecret.updateMany({
          where: { id: row.id, localKeyId: row.keyId },
          data: { sealed: new Uint8Array(sealed), localKeyId: keyId },
        })
      ).count,
    failed,
  );

  const connectionTokens = await resealTable(
    "connection_tokens",
    keyring,
    async (after) =>
      (
        await client.connectionToken.findMany({
          where: { localKeyId: keyFilter, ...(after ? { connectionId: { gt: after } } : {}) },
          orderBy: { connectionId: "asc" },
          take: BATCH,
          select: { connectionId: true, sealed: true, localKeyId: true, obtainedAt: true },
        })
      ).map((r) => ({
        id: r.connectionId,
        sealed: r.sealed,
        keyId: r.localKeyId,
        ctx: connectionTokenContext(r.connectionId, r.obtainedAt),
      })),
    async (row, sealed, keyId) =>
      (
        await client.connectionToken.updateMany({
          where: { connectionId: row.id, localKeyId: row.keyId },
          data: { sealed: new Uint8Array(sealed), localKeyId: keyId },
        })
      ).count,
    failed,
  );

  return { keyId: keyring.current.id, resealed: { localSecretVersions, pendingSecrets, connectionTokens }, failed };
}
