import "server-only";
// The token lease of a connection: which process may ask the provider for a new token, for how long, and
// with which fencing number (connections.token_fence). Every grant bumps the fence; a token is written
// only with the current fence, checked in the statement that writes it (the connection row locked), so a
// holder that stalled past its lease (a GC pause, a frozen VM) never overwrites a newer token.
import type { Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

type Client = Pick<Tx, "$queryRaw" | "$executeRaw">;

/** A new token row for a connection replaces the one it had (both writers below). */
const REPLACE_TOKEN = Prisma.sql`ON CONFLICT (connection_id) DO UPDATE
   SET sealed = EXCLUDED.sealed, local_key_id = EXCLUDED.local_key_id, token_type = EXCLUDED.token_type,
       obtained_at = EXCLUDED.obtained_at, expires_at = EXCLUDED.expires_at`;

/** Grants the lease when it is free or expired (PostgreSQL's clock): the new fence, or null when held. */
export async function acquireTokenLease(client: Client, connectionId: string, leaseMs: number): Promise<bigint | null> {
  const rows = await client.$queryRaw<{ fence: bigint }[]>`
    UPDATE connections
       SET token_fence = token_fence + 1, token_lease_until = now() + ${leaseMs} * interval '1 millisecond'
     WHERE id = ${connectionId}::uuid AND (token_lease_until IS NULL OR token_lease_until < now())
    RETURNING token_fence AS fence`;
  return rows[0]?.fence ?? null;
}

/** Gives the lease back (only if it is still ours), so waiters need not wait for it to expire. */
export async function releaseTokenLease(client: Client, connectionId: string, fence: bigint): Promise<void> {
  await client.$executeRaw`
    UPDATE connections SET token_lease_until = NULL WHERE id = ${connectionId}::uuid AND token_fence = ${fence}`;
}

/** Ends every lease granted so far: a token fetched under one is no longer written (rotation, disable, edit). */
export async function bumpTokenFence(client: Client, connectionId: string): Promise<void> {
  await client.$executeRaw`
    UPDATE connections SET token_fence = token_fence + 1, token_lease_until = NULL WHERE id = ${connectionId}::uuid`;
}

export type SealedTokenRow = {
  sealed: Uint8Array;
  localKeyId: string;
  tokenType: string;
  obtainedAt: Date;
  expiresAt: Date;
};

/**
 * Writes the connection's token if `fence` is still the connection's current one, in one statement:
 * the connection row is locked (FOR UPDATE re-checks the fence against the newest version), so no newer
 * grant can slip between the check and the write. False: a newer lease exists; nothing was written.
 */
export async function writeFencedToken(
  client: Client,
  connectionId: string,
  fence: bigint,
  token: SealedTokenRow,
): Promise<boolean> {
  const written = await client.$executeRaw`
    INSERT INTO connection_tokens (connection_id, sealed, local_key_id, token_type, obtained_at, expires_at)
    SELECT c.id, ${token.sealed}, ${token.localKeyId}, ${token.tokenType}, ${token.obtainedAt}, ${token.expiresAt}
      FROM connections c
     WHERE c.id = ${connectionId}::uuid AND c.token_fence = ${fence}
       FOR UPDATE
    ${REPLACE_TOKEN}`;
  return written === 1;
}

/**
 * writeFencedToken for a healthy connection (no failure since the last success), together with what a
 * success records (last success, no cooldown, a token_fetched event), in one statement. "after-failures":
 * nothing written, the connection had failures (their recovery is announced in a transaction instead);
 * "lease-lost": a newer lease exists, nothing written.
 */
export async function writeHealthyToken(
  client: Client,
  connectionId: string,
  fence: bigint,
  token: SealedTokenRow,
  success: { at: Date; latencyMs: number; httpStatus: number },
): Promise<"written" | "after-failures" | "lease-lost"> {
  const rows = await client.$queryRaw<{ fenced: number; written: number }[]>`
    WITH target AS (
      SELECT id, consecutive_failures FROM connections
       WHERE id = ${connectionId}::uuid AND token_fence = ${fence}
         FOR UPDATE
    ), written AS (
      INSERT INTO connection_tokens (connection_id, sealed, local_key_id, token_type, obtained_at, expires_at)
      SELECT id, ${token.sealed}, ${token.localKeyId}, ${token.tokenType}, ${token.obtainedAt}, ${token.expiresAt}
        FROM target WHERE consecutive_failures = 0
      ${REPLACE_TOKEN}
      RETURNING connection_id
    ), healthy AS (
      UPDATE connections c
         SET last_success_at = ${success.at}, consecutive_failures = 0, cooldown_until = NULL, updated_at = now()
        FROM written w WHERE c.id = w.connection_id
    ), logged AS (
      INSERT INTO connection_events (connection_id, type, ok, latency_ms, http_status)
      SELECT connection_id, 'token_fetched', true, ${success.latencyMs}, ${success.httpStatus} FROM written
    )
    SELECT (SELECT count(*) FROM target)::int AS fenced, (SELECT count(*) FROM written)::int AS written`;
  const row = rows[0];
  if (!row || row.fenced === 0) return "lease-lost";
  return row.written === 1 ? "written" : "after-failures";
}
