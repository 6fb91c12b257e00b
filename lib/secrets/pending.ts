import "server-only";
// Nothing lost: a secret that the store does not accept is sealed with SECRETS_LOCAL_KEY into
// pending_secrets in the same transaction as the caller's state (e.g. PENDING_KEY_STORAGE); a job retries
// it with backoff until the store accepts it, then erases the sealed copy and lets the owner complete.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db as defaultDb, type Db } from "@/lib/db/client";
import { defineJob, defineSchedule } from "@/lib/jobs";
import { log } from "@/lib/log";
import { configKeyring, pendingSecretContext, sealWith, unsealWith, type Keyring } from "./seal";
import { SecretStoreError, type PutSecretInput, type SecretKind, type SecretRef, type SecretStore } from "./types";

/**
 * A client that may be inside a transaction: both `db()` and the `tx` of `db().$transaction(async (tx) => …)`
 * are assignable to it (hash/sealed columns stay omitted in its result types).
 */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$use" | "$extends" | "$transaction">;

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
};

export type RetryPendingResult =
  | { status: "stored"; attempts: number; ref: SecretRef }
  | { status: "waiting"; attempts: number; nextAttemptAt: Date; error: string }
  | { status: "gone" };

type Deps = { store?: SecretStore; db?: Db; keyring?: Keyring };

// What a retry needs besides the value, kept in pending_secrets.tags (non-secret).
const pendingMetaSchema = z.object({
  kind: z.enum(["seller-key", "connection-secret"]),
  idempotencyKey: z.string().min(1),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
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
 * is stored (e.g. complete the authorization, record "stored after N attempts"). The registering module
 * must be imported by lib/jobs/registry.ts so worker processes know the hook.
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
  const code = error && typeof error === "object" && "code" in error && typeof error.code === "string" ? ` ${error.code}` : "";
  return `${error instanceof Error ? error.name : "error"}${code}`;
}

function asStoreError(error: unknown): SecretStoreError {
  return error instanceof SecretStoreError ? error : new SecretStoreError("unknown", `the secret store failed (${describeError(error)})`, { cause: error });
}

/**
 * Stores a secret that must not be lost (a key returned once by its provider).
 * - stored: the store took it; `onStored` ran in a transaction.
 * - pending: the store failed; a sealed copy and the caller's `onPending` state were committed together, and
 *   a retry job is queued.
 * - lost: neither the store nor the database took it. One alert line was logged; mark the request failed.
 */
export async function storeSecretDurably(
  args: {
    input: PutSecretInput;
    authorizationId?: string;
    connectionId?: string;
    onStored?: (tx: Tx, ref: SecretRef) => Promise<void>;
    onPending?: (tx: Tx, pendingId: string, error: SecretStoreError) => Promise<void>;
  },
  deps: Deps = {},
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
      if (onStored) await client.$transaction((tx) => onStored(tx, stored));
    } catch (error) {
      // The value is safe in the store under `ref`; only the caller's record of it failed.
      log().error({ secretName: stored.name, versionId: stored.versionId, err: describeError(error) }, "secret stored, but recording it failed");
      throw error;
    }
    return { outcome: "stored", ref: stored };
  }

  const nextAttemptAt = new Date(Date.now() + pendingRetryDelayMs(1));
  try {
    const pendingId = await client.$transaction(async (tx) => {
      // The row's id is chosen here: the sealed value is bound to it.
      const id = randomUUID();
      const { sealed, keyId } = sealWith(deps.keyring ?? configKeyring(), input.value, pendingSecretContext(input.name, id));
      // A newer value for the same secret replaces the older pending one (a new row: a running retry of the
      // old row must not erase the new value).
      await tx.pendingSecret.deleteMany({ where: { secretName: input.name } });
      const row = await tx.pendingSecret.create({
        data: {
          id,
          secretName: input.name,
          sealed: new Uint8Array(sealed),
          localKeyId: keyId,
          tags: {
            kind: input.kind,
            idempotencyKey: input.idempotencyKey,
            ...(input.description ? { description: input.description } : {}),
            tags: input.tags ?? {},
          },
          authorizationId: args.authorizationId ?? null,
          connectionId: args.connectionId ?? null,
          attempts: 1,
          lastError: storeError.message.slice(0, 1000),
          nextAttemptAt,
        },
        select: { id: true },
      });
      if (args.onPending) await args.onPending(tx, row.id, storeError);
      return row.id;
    });
    log().warn(
      { secretName: input.name, kind: input.kind, pendingId, authorizationId: args.authorizationId, connectionId: args.connectionId, storeError: storeError.kind },
      `secret store refused ${input.name} (${storeError.message}); kept sealed in pending_secrets, retrying`,
    );
    await enqueueRetry(pendingId, nextAttemptAt);
    return { outcome: "pending", pendingId, error: storeError };
  } catch (dbError) {
    const alert =
      `ALERT secret lost: ${input.kind} ${input.name} was received but neither the secret store (${storeError.kind}: ${storeError.message}) ` +
      `nor the database (${describeError(dbError)}) took it; the request is failed and must be redone` +
      (args.authorizationId ? ` (authorization ${args.authorizationId})` : "") +
      (args.connectionId ? ` (connection ${args.connectionId})` : "");
    log().fatal(
      { alert: "secret-lost", secretName: input.name, kind: input.kind, authorizationId: args.authorizationId, connectionId: args.connectionId },
      alert,
    );
    return { outcome: "lost", alert };
  }
}

/** The name the architecture notes use for the no-loss path. */
export const storeOrSealSecret = storeSecretDurably;

async function enqueueRetry(pendingId: string, at: Date) {
  try {
    await retryPendingSecretJob.send({ pendingId }, { startAfter: at, singletonKey: pendingId });
  } catch (error) {
    // The row is committed: the sweep (every minute) and the next start-up queue it again.
    log().warn({ pendingId, err: describeError(error) }, "could not queue the retry of a pending secret; the sweep will");
  }
}

/**
 * One retry of a pending secret: put it in the store; on success erase the sealed copy and run the kind's
 * completion hooks in one transaction; on failure record the attempt and the next time to try.
 */
export async function retryPendingSecret(pendingId: string, deps: Deps = {}): Promise<RetryPendingResult> {
  const client = deps.db ?? defaultDb();
  const row = await client.pendingSecret.findUnique({ where: { id: pendingId }, omit: { sealed: false } });
  if (!row) return { status: "gone" };
  const attempts = row.attempts + 1;

  const fail = async (message: string): Promise<RetryPendingResult> => {
    const nextAttemptAt = new Date(Date.now() + pendingRetryDelayMs(attempts));
    await client.pendingSecret.updateMany({
      where: { id: pendingId },
      data: { attempts, lastError: message.slice(0, 1000), nextAttemptAt },
    });
    return { status: "waiting", attempts, nextAttemptAt, error: message };
  };

  const meta = pendingMetaSchema.safeParse(row.tags);
  if (!meta.success) {
    log().error({ pendingId, secretName: row.secretName }, "pending secret has unreadable metadata; it stays sealed for an operator");
    return fail("unreadable pending-secret metadata");
  }
  let value: string;
  try {
    value = unsealWith(deps.keyring ?? configKeyring(), row.sealed, row.localKeyId, pendingSecretContext(row.secretName, row.id));
  } catch (error) {
    log().error({ pendingId, secretName: row.secretName, err: describeError(error) }, "pending secret does not open; set SECRETS_LOCAL_KEY_PREVIOUS to the key it was sealed under");
    return fail(error instanceof Error ? error.message : "does not open");
  }

  let ref: SecretRef;
  try {
    ref = await (await store(deps)).put({
      name: row.secretName,
      value,
      kind: meta.data.kind,
      idempotencyKey: meta.data.idempotencyKey,
      tags: meta.data.tags,
      ...(meta.data.description ? { description: meta.data.description } : {}),
    });
  } catch (error) {
    const storeError = asStoreError(error);
    log().warn({ pendingId, secretName: row.secretName, attempts, storeError: storeError.kind }, `pending secret not stored yet: ${storeError.message}`);
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
  };
  const completed = await client.$transaction(async (tx) => {
    const { count } = await tx.pendingSecret.deleteMany({ where: { id: pendingId } });
    if (count !== 1) return false; // another worker completed it first
    for (const hook of completionHooks.get(meta.data.kind) ?? []) await hook(tx, info);
    return true;
  });
  if (completed) {
    log().info(
      { pendingId, secretName: row.secretName, versionId: ref.versionId, attempts, authorizationId: row.authorizationId, connectionId: row.connectionId },
      `pending secret stored after ${attempts} attempts; sealed copy erased`,
    );
  }
  return { status: "stored", attempts, ref };
}

/** The job: one retry, then (if still refused) the next one queued after the backoff. */
export async function runRetryPendingSecretJob(data: { pendingId: string }, deps: Deps = {}): Promise<RetryPendingResult> {
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

/** Queues a retry for every pending secret (at start-up: a crash never strands one), or only the due ones. */
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

defineSchedule("secrets-pending-sweep", "* * * * *", async () => {
  await requeuePendingSecrets({ dueOnly: true });
});
