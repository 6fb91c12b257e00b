import "server-only";
// Nothing lost: write-ahead, then store. A secret that must not be lost is first sealed with
// SECRETS_LOCAL_KEY into pending_secrets (leased to this process), then written to the store, then the
// sealed copy is erased. Refusals are retried with backoff; copies whose owner died are taken over when
// the lease expires (lib/secrets/README.md).
import { randomBytes, randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";
import { config } from "@/lib/config/env";
import { db as defaultDb, type Db, type Tx } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { whileDatabaseRecovers } from "@/lib/db/retry";
import { defineJob } from "@/lib/jobs";
import { defineSweep } from "@/lib/jobs/sweeper";
import { log } from "@/lib/log";
import { configKeyring, pendingSecretContext, sealWith, unsealWith, type Keyring } from "./seal";
import { SecretStoreError, type PutSecretInput, type SecretKind, type SecretRef, type SecretStore } from "./types";

/**
 * A client that may be inside a transaction: both `db()` and the `tx` of `db().$transaction(async (tx) => …)`
 * are assignable to it (hash/sealed columns stay omitted in its result types).
 */

export type DurableStoreResult =
  | { outcome: "stored"; ref: SecretRef }
  | { outcome: "pending"; pendingId: string; error: SecretStoreError }
  | { outcome: "lost"; alert: string };

export type PendingStoredInfo = {
  pendingId: string;
  secretName: string;
  kind: SecretKind;
  authorizationId: string | null;
  connectionId: string | null;
  ref: SecretRef;
  /** Store writes it took, the first (failed) one included. */
  attempts: number;
  /** The non-secret context the sealing caller gave (e.g. the credential's key id). */
  context: Record<string, unknown>;
  /** True when this process took it over from an owner that stopped (lease expired) before storing it. */
  recovered: boolean;
};

export type RetryPendingResult =
  | { status: "stored"; attempts: number; ref: SecretRef }
  | { status: "waiting"; attempts: number; nextAttemptAt: Date; error: string }
  | { status: "busy" }
  | { status: "gone" };

type Deps = { store?: SecretStore; db?: Db; keyring?: Keyring };

// What a retry needs besides the value, kept in pending_secrets.tags (non-secret).
const pendingMetaSchema = z.object({
  kind: z.enum(["seller-key", "connection-secret"]),
  idempotencyKey: z.string().min(1),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  context: z.record(z.string(), z.unknown()).optional(),
});

const BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 10 * 60_000;

/** Wait before the next attempt after `attempts` failed ones: 5 s, 10 s, 20 s, … capped at 10 min. */
export function pendingRetryDelayMs(attempts: number): number {
  return Math.min(BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1), MAX_DELAY_MS);
}

type CompletionHook = (tx: Tx, info: PendingStoredInfo) => Promise<void>;
const completionHooks = new Map<SecretKind, CompletionHook[]>();

/**
 * Registers what to do, in the transaction that erases the sealed copy, once a pending secret of `kind`
 * is stored (e.g. complete the authorization, record "stored after N attempts"). Called from
 * lib/server/start.ts's list, so every process knows the hook.
 */
export function onPendingSecretStored(kind: SecretKind, hook: CompletionHook) {
  completionHooks.set(kind, [...(completionHooks.get(kind) ?? []), hook]);
}

async function store(deps: Deps): Promise<SecretStore> {
  if (deps.store) return deps.store;
  const { secretStore } = await import("./index");
  return secretStore();
}

function describeError(error: unknown): string {
  if (error instanceof SecretStoreError) return `${error.kind}: ${error.message}`;
  // Other errors (e.g. database) may quote query parameters: only their type and code.
  const code =
    error && typeof error === "object" && "code" in error && typeof error.code === "string" ? ` ${error.code}` : "";
  return `${error instanceof Error ? error.name : "error"}${code}`;
}

function asStoreError(error: unknown): SecretStoreError {
  return error instanceof SecretStoreError
    ? error
    : new SecretStoreError("unknown", `the secret store failed (${describeError(error)})`, { cause: error });
}

/** This process, as the owner of the leases it takes (host, pid and a random suffix: pids are reused). */
export const PROCESS_ID = `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;

function leaseMs(): number {
  return config().recovery.leaseMs;
}

/**
 * Seals a secret into pending_secrets, owned by this process for the lease: the write-ahead record that
 * lets any process finish the write if this one dies (the `context` lets it do what the caller would
 * have). One statement, on its own or inside a caller's transaction; a newer
 * value for the same secret replaces an older pending one (a new id: a running retry of the old row must
 * not erase the new value).
 */
export async function sealPendingSecret(
  tx: Pick<Tx, "$queryRaw">,
  args: {
    input: PutSecretInput;
    authorizationId?: string;
    connectionId?: string;
    context?: Record<string, unknown>;
    /** The caller's own rows, committed by the same statement (see `sealedRows` of storeSecretDurably). */
    rows?: (pendingId: string) => Prisma.Sql[];
  },
  deps: Pick<Deps, "keyring"> = {},
  // The row's id is chosen here: the sealed value is bound to it (and to the name).
  id: string = randomUUID(),
): Promise<string> {
  const { input } = args;
  const { sealed, keyId } = sealWith(
    deps.keyring ?? configKeyring(),
    input.value,
    pendingSecretContext(input.name, id),
  );
  const meta = {
    kind: input.kind,
    idempotencyKey: input.idempotencyKey,
    ...(input.description ? { description: input.description } : {}),
    tags: input.tags ?? {},
    ...(args.context ? { context: args.context } : {}),
  };
  const seal = Prisma.sql`
    INSERT INTO pending_secrets (id, secret_name, sealed, local_key_id, tags, authorization_id, connection_id,
                                 attempts, next_attempt_at, lease_owner, lease_expires_at)
    VALUES (${id}::uuid, ${input.name}, ${new Uint8Array(sealed)}, ${keyId}, ${JSON.stringify(meta)}::jsonb,
            ${args.authorizationId ?? null}::uuid, ${args.connectionId ?? null}::uuid, 0, now(), ${PROCESS_ID},
            now() + ${leaseMs()} * interval '1 millisecond')
    ON CONFLICT (secret_name) DO UPDATE SET
      id = EXCLUDED.id, sealed = EXCLUDED.sealed, local_key_id = EXCLUDED.local_key_id, tags = EXCLUDED.tags,
      authorization_id = EXCLUDED.authorization_id, connection_id = EXCLUDED.connection_id, attempts = 0,
      last_error = NULL, next_attempt_at = EXCLUDED.next_attempt_at, lease_owner = EXCLUDED.lease_owner,
      lease_expires_at = EXCLUDED.lease_expires_at, created_at = now()
    RETURNING id`;
  const steps = args.rows?.(id) ?? [];
  const rows = await tx.$queryRaw<{ id: string }[]>(
    steps.length > 0 ? Prisma.sql`WITH sealed AS (${seal}), ${asSteps(steps)} SELECT id FROM sealed` : seal,
  );
  if (rows[0]?.id !== id) throw new Error("sealing a pending secret returned no row");
  return id;
}

/** Data-modifying statements as the members of one WITH (PostgreSQL runs each exactly once). */
function asSteps(statements: Prisma.Sql[]): Prisma.Sql {
  return Prisma.join(
    statements.map((statement, i) => Prisma.sql`${Prisma.raw(`step_${i}`)} AS (${statement})`),
    ", ",
  );
}

/**
 * Stores a secret that must not be lost (a key returned once by its provider): write-ahead, then store.
 * 1. One statement seals it into pending_secrets (owned by this process for a lease; `context` holds what a
 *    recovering process needs): from its commit on, a crash loses nothing (lib/secrets/README.md). Then the
 *    caller's `onSealed` records commit in their own short transaction.
 * 2. The store write (idempotent: the same ClientRequestToken on every attempt, by whichever process).
 * 3. stored: one transaction erases the sealed copy and runs `onStored`.
 *    pending (the store failed): the attempt is recorded, the lease released, `onPending` runs, and a retry is
 *    queued. With `onStoreFailure: "erase"` (a secret its sender still holds) the copy is erased instead and
 *    the store's error is thrown.
 * - lost: the database took no seal and the store refused too. One alert line; mark the request failed.
 * `onSealed` receives how long the secret existed only in memory (from the call to the seal's commit).
 */
export async function storeSecretDurably(
  args: {
    input: PutSecretInput;
    authorizationId?: string;
    connectionId?: string;
    /** Non-secret facts the completion hooks need after a crash (e.g. the credential's key id). */
    context?: Record<string, unknown>;
    onSealed?: (tx: Tx, pendingId: string) => Promise<void>;
    /**
     * Instead of `onSealed`: the caller's rows as data-modifying statements, committed by the seal's own
     * statement (one round trip). If that statement fails, the secret is sealed alone and the rows follow in
     * a statement of their own, whose failure is logged like `onSealed`'s.
     */
    sealedRows?: (pendingId: string) => Prisma.Sql[];
    onStored?: (tx: Tx, ref: SecretRef) => Promise<void>;
    /**
     * The caller's own completion once stored, tried before `onStored`: it erases the sealed copy and records
     * the outcome itself, atomically (e.g. one batch), and answers false when it did nothing (then the sealed
     * copy is erased and `onStored` runs in one transaction, as without it).
     */
    completeStored?: (pendingId: string, ref: SecretRef) => Promise<boolean>;
    onPending?: (tx: Tx, pendingId: string, error: SecretStoreError) => Promise<void>;
    onStoreFailure?: "keep" | "erase";
    /** Called once the seal committed, with the milliseconds since storeSecretDurably was called. */
    observeSealed?: (ms: number) => void;
  },
  deps: Deps = {},
): Promise<DurableStoreResult> {
  const { input } = args;
  const client = deps.db ?? defaultDb();
  const started = performance.now();
  let pendingId: string;
  let rowsRecorded = false;
  const sealOnly = {
    input,
    authorizationId: args.authorizationId,
    connectionId: args.connectionId,
    context: args.context,
  };
  try {
    // One statement, committed on its own: the shortest time the secret exists only in memory.
    if (args.sealedRows) {
      try {
        pendingId = await sealPendingSecret(client, { ...sealOnly, rows: args.sealedRows }, deps);
        rowsRecorded = true;
      } catch {
        // The caller's rows may be what failed: the secret goes first, alone.
        pendingId = await sealPendingSecret(client, sealOnly, deps);
      }
    } else {
      pendingId = await sealPendingSecret(client, sealOnly, deps);
    }
    args.observeSealed?.(performance.now() - started);
  } catch (sealError) {
    // A secret its sender still holds is simply not taken while the database is down.
    if (args.onStoreFailure === "erase") throw sealError;
    return storeWithoutSeal(args, deps, sealError);
  }
  const sealedRows = args.sealedRows;
  const onSealed =
    args.onSealed ??
    (sealedRows && !rowsRecorded
      ? async (tx: Tx, id: string) => {
          await tx.$executeRaw`WITH ${asSteps(sealedRows(id))} SELECT 1`;
        }
      : undefined);
  if (onSealed) {
    try {
      await client.$transaction((tx) => onSealed(tx, pendingId));
    } catch (error) {
      // The secret is sealed: the store write goes on, and the completion (or recovery, from the row's
      // context) records what this step would have.
      if (args.onStoreFailure === "erase") {
        await client.pendingSecret.deleteMany({ where: { id: pendingId } }).catch(() => undefined);
        throw error;
      }
      log().warn(
        { pendingId, secretName: input.name, err: describeError(error) },
        "recording a sealed secret's context failed; storing it anyway",
      );
    }
  }

  let ref: SecretRef;
  try {
    ref = await (await store(deps)).put(input);
  } catch (error) {
    const storeError = asStoreError(error);
    if (args.onStoreFailure === "erase") {
      await client.pendingSecret.deleteMany({ where: { id: pendingId } });
      throw storeError;
    }
    const nextAttemptAt = new Date(Date.now() + pendingRetryDelayMs(1));
    await client.$transaction(async (tx) => {
      await tx.$executeRaw`
        UPDATE pending_secrets SET attempts = attempts + 1, last_error = ${storeError.message.slice(0, 1000)},
               next_attempt_at = ${nextAttemptAt}, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = ${pendingId}::uuid AND lease_owner = ${PROCESS_ID}`;
      if (args.onPending) await args.onPending(tx, pendingId, storeError);
    });
    log().warn(
      {
        secretName: input.name,
        kind: input.kind,
        pendingId,
        authorizationId: args.authorizationId,
        connectionId: args.connectionId,
        storeError: storeError.kind,
      },
      `secret store refused ${input.name} (${storeError.message}); kept sealed in pending_secrets, retrying`,
    );
    await enqueueRetry(pendingId, nextAttemptAt);
    return { outcome: "pending", pendingId, error: storeError };
  }

  const { onStored, completeStored } = args;
  try {
    await whileDatabaseRecovers(async () => {
      if (completeStored && (await completeStored(pendingId, ref))) return;
      await client.$transaction(async (tx) => {
        // Zero rows: this process's lease ran out and another process finished the same write first.
        const { count } = await tx.pendingSecret.deleteMany({ where: { id: pendingId } });
        if (count === 1 && onStored) await onStored(tx, ref);
      });
    });
  } catch (error) {
    // The value is safe in the store under `ref`, and the sealed copy remains: when the lease expires, the
    // recovery sweep writes it again (the same version) and completes.
    log().error(
      { secretName: ref.name, versionId: ref.versionId, pendingId, err: describeError(error) },
      "secret stored, but recording it failed; recovery will finish it",
    );
    throw error;
  }
  return { outcome: "stored", ref };
}

/** The database took no seal: try the store directly (as before write-ahead); if it refuses too, the key is lost. */
async function storeWithoutSeal(
  args: Parameters<typeof storeSecretDurably>[0],
  deps: Deps,
  sealError: unknown,
): Promise<DurableStoreResult> {
  const { input } = args;
  const client = deps.db ?? defaultDb();
  let ref: SecretRef | undefined;
  let storeError = new SecretStoreError("unknown", "the secret store failed");
  try {
    ref = await (await store(deps)).put(input);
  } catch (error) {
    storeError = asStoreError(error);
  }
  if (ref) {
    const stored = ref;
    const onStored = args.onStored;
    try {
      if (onStored) await whileDatabaseRecovers(() => client.$transaction((tx) => onStored(tx, stored)));
    } catch (error) {
      log().error(
        {
          alert: "secret-unrecorded",
          secretName: stored.name,
          versionId: stored.versionId,
          authorizationId: args.authorizationId,
          err: describeError(error),
        },
        `ALERT secret stored but not recorded: ${stored.name} (version ${stored.versionId}) is in the secret store, but the database recorded nothing`,
      );
      throw error;
    }
    return { outcome: "stored", ref: stored };
  }
  const alert =
    `ALERT secret lost: ${input.kind} ${input.name} was received but neither the database (${describeError(sealError)}) ` +
    `nor the secret store (${storeError.kind}: ${storeError.message}) took it; the request is failed and must be redone` +
    (args.authorizationId ? ` (authorization ${args.authorizationId})` : "") +
    (args.connectionId ? ` (connection ${args.connectionId})` : "");
  log().fatal(
    {
      alert: "secret-lost",
      secretName: input.name,
      kind: input.kind,
      authorizationId: args.authorizationId,
      connectionId: args.connectionId,
    },
    alert,
  );
  return { outcome: "lost", alert };
}

/** The name the architecture notes use for the no-loss path. */
export const storeOrSealSecret = storeSecretDurably;

async function enqueueRetry(pendingId: string, at: Date) {
  try {
    await retryPendingSecretJob.send({ pendingId }, { startAfter: at, singletonKey: pendingId });
  } catch (error) {
    // The row is committed: the sweep (every minute) and the next start-up queue it again.
    log().warn(
      { pendingId, err: describeError(error) },
      "could not queue the retry of a pending secret; the sweep will",
    );
  }
}

type ClaimedRow = { id: string; previousOwner: string | null };

/**
 * Takes the lease of one pending secret (free, or expired: its owner died or stalled) for this process.
 * Returns the owner it took over from (null when the row was free), or undefined when another process holds it.
 */
async function claim(client: Db, pendingId: string): Promise<ClaimedRow | undefined> {
  const rows = await client.$queryRaw<ClaimedRow[]>`
    WITH old AS (SELECT id, lease_owner FROM pending_secrets WHERE id = ${pendingId}::uuid FOR UPDATE)
    UPDATE pending_secrets p
       SET lease_owner = ${PROCESS_ID}, lease_expires_at = now() + ${leaseMs()} * interval '1 millisecond'
      FROM old
     WHERE p.id = old.id AND (p.lease_expires_at IS NULL OR p.lease_expires_at < now())
    RETURNING p.id::text AS id, old.lease_owner AS "previousOwner"`;
  return rows[0];
}

/**
 * Claims up to `limit` pending secrets that need a process: due retries nobody holds, and rows whose
 * owner's lease expired (it died mid-write: taken at once, whatever their next attempt time).
 */
async function claimOrphans(client: Db, limit: number): Promise<ClaimedRow[]> {
  return client.$queryRaw<ClaimedRow[]>`
    WITH due AS (
      SELECT id, lease_owner FROM pending_secrets
       WHERE (lease_expires_at IS NULL OR lease_expires_at < now())
         AND (next_attempt_at <= now() OR lease_owner IS NOT NULL)
       ORDER BY next_attempt_at
       LIMIT ${limit}
       FOR UPDATE SKIP LOCKED)
    UPDATE pending_secrets p
       SET lease_owner = ${PROCESS_ID}, lease_expires_at = now() + ${leaseMs()} * interval '1 millisecond'
      FROM due
     WHERE p.id = due.id
    RETURNING p.id::text AS id, due.lease_owner AS "previousOwner"`;
}

/**
 * One retry of a pending secret: take its lease, put it in the store (the same ClientRequestToken as every
 * earlier attempt: a write that did reach the store makes no second version); on success erase the sealed
 * copy and run the kind's completion hooks in one transaction; on failure record the attempt, release the
 * lease and set the next time to try. "busy": another live process holds it.
 */
export async function retryPendingSecret(pendingId: string, deps: Deps = {}): Promise<RetryPendingResult> {
  const client = deps.db ?? defaultDb();
  const claimed = await claim(client, pendingId);
  if (!claimed) {
    const exists = await client.pendingSecret.count({ where: { id: pendingId } });
    return exists ? { status: "busy" } : { status: "gone" };
  }
  return storeClaimed(claimed, deps);
}

async function storeClaimed(claimed: ClaimedRow, deps: Deps): Promise<RetryPendingResult> {
  const client = deps.db ?? defaultDb();
  const pendingId = claimed.id;
  const row = await client.pendingSecret.findUnique({ where: { id: pendingId }, omit: { sealed: false } });
  if (!row) return { status: "gone" };
  const attempts = row.attempts + 1;
  const recovered = claimed.previousOwner !== null && claimed.previousOwner !== PROCESS_ID;
  if (recovered) {
    log().warn(
      {
        pendingId,
        secretName: row.secretName,
        previousOwner: claimed.previousOwner,
        authorizationId: row.authorizationId,
        connectionId: row.connectionId,
      },
      "taking over a sealed secret whose owner stopped before storing it",
    );
  }

  const fail = async (message: string): Promise<RetryPendingResult> => {
    const nextAttemptAt = new Date(Date.now() + pendingRetryDelayMs(attempts));
    await client.$executeRaw`
      UPDATE pending_secrets SET attempts = ${attempts}, last_error = ${message.slice(0, 1000)}, next_attempt_at = ${nextAttemptAt},
             lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${pendingId}::uuid AND lease_owner = ${PROCESS_ID}`;
    return { status: "waiting", attempts, nextAttemptAt, error: message };
  };
  const meta = pendingMetaSchema.safeParse(row.tags);
  if (!meta.success) {
    log().error(
      { pendingId, secretName: row.secretName },
      "pending secret has unreadable metadata; it stays sealed for an operator",
    );
    return fail("unreadable pending-secret metadata");
  }
  let value: string;
  try {
    value = unsealWith(
      deps.keyring ?? configKeyring(),
      row.sealed,
      row.localKeyId,
      pendingSecretContext(row.secretName, row.id),
    );
  } catch (error) {
    log().error(
      { pendingId, secretName: row.secretName, err: describeError(error) },
      "pending secret does not open; set SECRETS_LOCAL_KEY_PREVIOUS to the key it was sealed under",
    );
    return fail(error instanceof Error ? error.message : "does not open");
  }

  let ref: SecretRef;
  try {
    ref = await (
      await store(deps)
    ).put({
      name: row.secretName,
      value,
      kind: meta.data.kind,
      idempotencyKey: meta.data.idempotencyKey,
      tags: meta.data.tags,
      ...(meta.data.description ? { description: meta.data.description } : {}),
    });
  } catch (error) {
    const storeError = asStoreError(error);
    log().warn(
      { pendingId, secretName: row.secretName, attempts, storeError: storeError.kind },
      `pending secret not stored yet: ${storeError.message}`,
    );
    return fail(storeError.message);
  }

  const info: PendingStoredInfo = {
    pendingId,
    secretName: row.secretName,
    kind: meta.data.kind,
    authorizationId: row.authorizationId,
    connectionId: row.connectionId,
    ref,
    attempts,
    context: meta.data.context ?? {},
    recovered,
  };
  const completed = await client.$transaction(async (tx) => {
    const { count } = await tx.pendingSecret.deleteMany({ where: { id: pendingId } });
    if (count !== 1) return false; // another worker completed it first
    for (const hook of completionHooks.get(meta.data.kind) ?? []) await hook(tx, info);
    return true;
  });
  if (completed) {
    log().info(
      {
        pendingId,
        secretName: row.secretName,
        versionId: ref.versionId,
        attempts,
        authorizationId: row.authorizationId,
        connectionId: row.connectionId,
      },
      `pending secret stored after ${attempts} attempts; sealed copy erased`,
    );
  }
  return { status: "stored", attempts, ref };
}

/** The job: one retry, then (if still refused) the next one queued after the backoff. */
export async function runRetryPendingSecretJob(
  data: { pendingId: string },
  deps: Deps = {},
): Promise<RetryPendingResult> {
  const result = await retryPendingSecret(data.pendingId, deps);
  if (result.status === "waiting") await enqueueRetry(data.pendingId, result.nextAttemptAt);
  return result;
}

export const retryPendingSecretJob = defineJob<{ pendingId: string }>(
  "secrets-retry-pending",
  async (data) => {
    await runRetryPendingSecretJob(data);
  },
  // "short": at most one queued retry per pending secret (the sweep and the job itself may both send).
  { policy: "short", retryLimit: 5, retryDelaySeconds: 10 },
);

/**
 * The recovery sweep (every process, lib/jobs/sweeper.ts): stores what no live process holds, i.e. due
 * retries and secrets whose owner died mid-write (its lease expired), completing their requests.
 */
export async function recoverPendingSecrets(
  deps: Deps = {},
  opts: { limit?: number } = {},
): Promise<{ stored: number; waiting: number }> {
  const client = deps.db ?? defaultDb();
  const claimed = await claimOrphans(client, opts.limit ?? 20);
  let stored = 0;
  let waiting = 0;
  for (const row of claimed) {
    const result = await storeClaimed(row, deps);
    if (result.status === "stored") stored++;
    if (result.status === "waiting") {
      waiting++;
      await enqueueRetry(row.id, result.nextAttemptAt);
    }
  }
  return { stored, waiting };
}

/** Queues a retry for every pending secret, or only the due ones (the retry job claims each first). */
export async function requeuePendingSecrets(opts: { dueOnly?: boolean } = {}, deps: Deps = {}): Promise<number> {
  const client = deps.db ?? defaultDb();
  const rows = await client.pendingSecret.findMany({
    where: opts.dueOnly ? { nextAttemptAt: { lte: new Date() } } : {},
    select: { id: true, nextAttemptAt: true },
    orderBy: { nextAttemptAt: "asc" },
    take: 1000,
  });
  for (const row of rows) await enqueueRetry(row.id, row.nextAttemptAt);
  if (rows.length > 0) log().info({ count: rows.length }, "queued retries of pending secrets");
  return rows.length;
}

/** The recovery sweep of pending secrets (the retry job above is defined when this module loads). */
export function registerPendingSecretRecovery(): void {
  defineSweep("secrets: recover pending secrets", async () => {
    const { stored, waiting } = await recoverPendingSecrets();
    if (stored + waiting > 0) log().info({ stored, waiting }, "recovery sweep handled pending secrets");
  });
}
