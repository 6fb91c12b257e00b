import "server-only";
import { randomBytes, randomInt } from "node:crypto";
import { hashToken } from "@/lib/secrets/token-hash";
import { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";
import type { Tx } from "@/lib/db/client";
import type { SecretRef } from "@/lib/secrets/types";
import { markSellerLinksUsed } from "@/lib/sellers";
import { FIRST_VERIFICATION_LEASE_MS, queueFirstVerification, requestFirstVerification } from "./verify-queue";
import {
  credentialReference,
  emitAuthorizationEvent,
  emitCredentialSuperseded,
  emitEventSteps,
} from "@/lib/webhooks/emit";

// Noon authorization requests and their timeline: what support reads. Every step writes one event;
// events carry stages, HTTP statuses and provider messages, never a code, token or key.

export type AuthorizationEventType =
  | "started"
  | "callback_received"
  | "rejected"
  | "declined"
  | "token_created"
  | "exchanged"
  | "key_stored"
  | "key_pending_storage"
  | "completed"
  | "failed"
  | "expired"
  | "superseded"
  | "key_verified"
  | "key_verification_failed"
  | "needs_reconnect";

/** How long a state is accepted after the seller clicked Connect (RFC 9700: short-lived). */
export const STATE_TTL_MS = 10 * 60 * 1000;
/** Requests with no callback after this become EXPIRED (the schedule in lib/noon/jobs.ts). */
export const CALLBACK_DEADLINE_MS = 30 * 60 * 1000;
/**
 * A callback still "in progress" this long after it arrived, with no sealed key, was abandoned by a server
 * that stopped: a live one has long finished or failed by then (Noon calls time out within seconds).
 */
export const CALLBACK_ABANDONED_AFTER_MS = 10 * 60 * 1000;

const REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

/** A short reference people can read out to support, e.g. "NA-7K3Q9XWD". */
export function newAuthorizationReference(): string {
  let out = "NA-";
  for (let i = 0; i < 8; i++) out += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return out;
}

export const REFERENCE_PATTERN = /^NA-[0-9A-HJKMNP-TV-Z]{8}$/;

/** SHA-256 (hex) of a state value: what the request row stores. */
export const hashState = hashToken;

/** Anything that can write an event: the client, or a transaction. */
type EventWriter = {
  noonAuthorizationEvent: {
    create(args: { data: Prisma.NoonAuthorizationEventUncheckedCreateInput }): PromiseLike<unknown>;
  };
};

export async function recordEvent(
  client: EventWriter,
  {
    authorizationId,
    type,
    ...fields
  }: {
    authorizationId: string;
    type: AuthorizationEventType;
    stage?: string | null;
    httpStatus?: number | null;
    message?: string | null;
    details?: Prisma.InputJsonValue;
    at?: Date;
  },
): Promise<void> {
  await client.noonAuthorizationEvent.create({
    data: {
      authorizationId,
      type,
      stage: fields.stage ?? null,
      httpStatus: fields.httpStatus ?? null,
      message: fields.message ?? null,
      ...(fields.details === undefined ? {} : { details: fields.details }),
      ...(fields.at ? { at: fields.at } : {}),
    },
  });
}

/**
 * Records a new authorization request for a seller with a fresh state (32 CSPRNG bytes, base64url)
 * and its "started" event. The state is returned for the seller's sealed session; only its hash is kept.
 */
export async function startAuthorization(input: { sellerId: string; now?: Date }): Promise<{
  authorizationId: string;
  reference: string;
  state: string;
  stateExpiresAt: Date;
}> {
  const now = input.now ?? new Date();
  const state = randomBytes(32).toString("base64url");
  const stateExpiresAt = new Date(now.getTime() + STATE_TTL_MS);
  for (let attempt = 1; ; attempt++) {
    const reference = newAuthorizationReference();
    try {
      const row = await db().$transaction(async (tx) => {
        const created = await tx.noonAuthorization.create({
          data: { reference, sellerId: input.sellerId, stateHash: hashState(state), stateExpiresAt, createdAt: now },
          select: { id: true },
        });
        await recordEvent(tx, {
          authorizationId: created.id,
          type: "started",
          at: now,
          details: { stateExpiresAt: stateExpiresAt.toISOString() },
        });
        return created;
      });
      return { authorizationId: row.id, reference, state, stateExpiresAt };
    } catch (error) {
      // A reference collision (32^8 values) is retried with a new one.
      if ((error as { code?: unknown }).code === "P2002" && attempt < 5) continue;
      throw error;
    }
  }
}

/**
 * Marks requests that never got a callback within 30 minutes as EXPIRED, with an "expired" event,
 * in one statement (idempotent: a second run changes nothing). Returns how many expired.
 */
export async function expireStaleAuthorizations(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - CALLBACK_DEADLINE_MS);
  const rows = await db().$queryRaw<{ authorization_id: string }[]>`
    WITH expired AS (
      UPDATE noon_authorizations
         SET status = 'EXPIRED', updated_at = ${now}
       WHERE status = 'STARTED' AND callback_at IS NULL AND created_at < ${cutoff}
      RETURNING id
    )
    INSERT INTO noon_authorization_events (authorization_id, type, at, message)
    SELECT id, 'expired', ${now}, 'No callback from Noon within 30 minutes' FROM expired
    RETURNING authorization_id`;
  return rows.length;
}

/**
 * Closes callbacks abandoned mid-flight (the recovery sweep, lib/noon/jobs.ts): a request still STARTED
 * with its state consumed long ago and no sealed key waiting (a sealed key is finished by the pending-secret
 * recovery instead) becomes FAILED, with the stage it stopped in (from its last event) and a message that
 * says what to do. Claims rows with SKIP LOCKED, so processes sweeping together close each once.
 */
export async function closeAbandonedCallbacks(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - CALLBACK_ABANDONED_AFTER_MS);
  const rows = await db().$queryRaw<{ authorization_id: string }[]>`
    WITH abandoned AS (
      SELECT a.id,
             CASE (SELECT e.type FROM noon_authorization_events e WHERE e.authorization_id = a.id ORDER BY e.id DESC LIMIT 1)
               WHEN 'callback_received' THEN 'token_create'
               WHEN 'token_created' THEN 'token_exchange'
               WHEN 'exchanged' THEN 'key_storage'
               ELSE 'callback'
             END AS stage
        FROM noon_authorizations a
       WHERE a.status = 'STARTED' AND a.callback_at IS NOT NULL AND a.callback_at < ${cutoff}
         AND NOT EXISTS (SELECT 1 FROM pending_secrets p WHERE p.authorization_id = a.id)
       LIMIT 100
         FOR UPDATE OF a SKIP LOCKED
    ), closed AS (
      UPDATE noon_authorizations a
         SET status = 'FAILED', completed_at = ${now}, updated_at = ${now}, failure_stage = abandoned.stage,
             failure_message = 'The server handling this callback stopped during ' ||
               CASE abandoned.stage
                 WHEN 'token_create' THEN 'token/create'
                 WHEN 'token_exchange' THEN 'token/exchange (Noon may have issued a key that never reached us; it can be revoked in Noon)'
                 WHEN 'key_storage' THEN 'key storage'
                 ELSE 'the callback'
               END || ' and did not finish it; no key was stored. Ask the seller to connect again.'
        FROM abandoned
       WHERE a.id = abandoned.id
      RETURNING a.id, a.failure_stage, a.failure_message
    )
    INSERT INTO noon_authorization_events (authorization_id, type, at, stage, message, details)
    SELECT id, 'failed', ${now}, failure_stage, failure_message, '{"abandoned": true}'::jsonb FROM closed
    RETURNING authorization_id`;
  return rows.length;
}

/**
 * Makes a stored key the seller's ACTIVE credential: the credential row (created now, or moved from
 * PENDING_STORAGE), earlier ACTIVE credentials SUPERSEDED with their requests, the request COMPLETED,
 * and the seller's links issued before the request started used up.
 * Used both right after the exchange and by the retry job once a pending key reached the store.
 */
export async function completeWithStoredKey(
  tx: Tx,
  input: {
    authorizationId: string;
    ref: { name: string; arn: string; versionId: string };
    /** Given on the first store; absent when a PENDING_STORAGE credential already exists. */
    credential?: {
      sellerId: string;
      projectCode: string;
      keyId: string;
      channelIdentifier: string | null;
      issuedAt: Date | null;
    };
    attempts?: number;
    /** Said on the timeline after "Key stored …", e.g. that recovery picked it up. */
    note?: string;
    now?: Date;
  },
): Promise<void> {
  const now = input.now ?? new Date();
  // One completion at a time per seller, so two connections finishing together leave one ACTIVE key
  // (the request's seller found and locked in one round trip).
  const locked = await tx.$queryRaw<Array<{ sellerId: string; createdAt: Date }>>`
    SELECT s.id AS "sellerId", a.created_at AS "createdAt" FROM noon_authorizations a JOIN sellers s ON s.id = a.seller_id
    WHERE a.id = ${input.authorizationId}::uuid FOR UPDATE OF s`;
  const row = locked[0];
  if (!row) throw new Error(`authorization ${input.authorizationId} not found`);
  const auth = { id: input.authorizationId, sellerId: row.sellerId, createdAt: row.createdAt };
  const stored = {
    secretName: input.ref.name,
    secretArn: input.ref.arn,
    secretVersionId: input.ref.versionId,
    storedAt: now,
  };
  const existing = await tx.sellerCredential.findUnique({ where: { authorizationId: auth.id }, select: { id: true } });
  let credentialId: string;
  if (existing) {
    await tx.sellerCredential.update({ where: { id: existing.id }, data: { ...stored, status: "ACTIVE" } });
    credentialId = existing.id;
  } else {
    if (!input.credential) throw new Error(`no credential recorded for authorization ${auth.id}`);
    const created = await tx.sellerCredential.create({
      data: { ...input.credential, ...stored, authorizationId: auth.id, status: "ACTIVE" },
      select: { id: true },
    });
    credentialId = created.id;
  }
  const previous = await tx.sellerCredential.findMany({
    where: { sellerId: auth.sellerId, status: "ACTIVE", id: { not: credentialId } },
    select: { id: true, authorizationId: true },
  });
  for (const p of previous) {
    await tx.sellerCredential.update({ where: { id: p.id }, data: { status: "SUPERSEDED", supersededAt: now } });
    await tx.noonAuthorization.update({ where: { id: p.authorizationId }, data: { status: "SUPERSEDED" } });
    await recordEvent(tx, {
      authorizationId: p.authorizationId,
      type: "superseded",
      at: now,
      message: "A newer connection replaced this credential",
      details: { by: auth.id },
    });
    await emitCredentialSuperseded(tx, { credentialId: p.id, replacedByCredentialId: credentialId });
  }
  // COMPLETED with its "key_stored" and "completed" events, in one round trip.
  const message = keyStoredMessage(input.attempts, input.note);
  const details = JSON.stringify({ secretName: input.ref.name, secretVersionId: input.ref.versionId });
  await tx.$executeRaw`
    WITH done AS (
      UPDATE noon_authorizations SET status = 'COMPLETED', completed_at = ${now}, updated_at = ${now}
      WHERE id = ${auth.id}::uuid RETURNING id
    )
    INSERT INTO noon_authorization_events (authorization_id, type, at, message, details)
    SELECT done.id, e.type, ${now}, e.message, e.details
    FROM done, (VALUES (1, 'key_stored', ${message}, ${details}::jsonb), (2, 'completed', NULL, NULL)) AS e(ord, type, message, details)
    ORDER BY e.ord`;
  await markSellerLinksUsed(tx, { sellerId: auth.sellerId, startedAt: auth.createdAt, now });
  await requestFirstVerification(tx, { credentialId, now });
  if (input.attempts)
    await emitAuthorizationEvent(tx, {
      authorizationId: auth.id,
      type: "authorization.key_stored",
      extra: { attempts: input.attempts },
    });
  await emitAuthorizationEvent(tx, { authorizationId: auth.id, type: "seller.connected" });
}

function keyStoredMessage(attempts?: number, note?: string): string {
  return (
    (attempts ? `Key stored after ${attempts} attempt${attempts === 1 ? "" : "s"}` : "Key stored") +
    (note ? ` (${note})` : "")
  );
}

/** A seller key as the callback received it (never the key itself). */
export type ReceivedCredential = {
  projectCode: string;
  keyId: string;
  channelIdentifier: string | null;
  issuedAt: Date | null;
};

type TimelineStep = { type: AuthorizationEventType; stage: string; httpStatus: number; details: Prisma.InputJsonValue };

/**
 * What the callback records with the sealed key, as data-modifying statements for the seal's own statement
 * (storeSecretDurably's `sealedRows`): the credential awaiting storage (with the id the completion will use),
 * Noon's project code and oauth_request_id on the request, and the timeline's steps in their order.
 */
export function exchangedRows(input: {
  authorizationId: string;
  sellerId: string;
  credentialId: string;
  credential: ReceivedCredential;
  secretName: string;
  oauthRequestId: string;
  steps: TimelineStep[];
}): Prisma.Sql[] {
  const { authorizationId, credential: c } = input;
  const events = input.steps.map(
    (e, i) =>
      Prisma.sql`(${i}::int, ${e.type}::text, ${e.stage}::text, ${e.httpStatus}::int, ${JSON.stringify(e.details)}::jsonb)`,
  );
  return [
    Prisma.sql`
      INSERT INTO seller_credentials (id, seller_id, authorization_id, status, project_code, key_id, channel_identifier,
                                      issued_at, secret_name, created_at)
      VALUES (${input.credentialId}::uuid, ${input.sellerId}::uuid, ${authorizationId}::uuid, 'PENDING_STORAGE',
              ${c.projectCode}, ${c.keyId}, ${c.channelIdentifier}, ${c.issuedAt}::timestamptz, ${input.secretName}, now())`,
    Prisma.sql`
      UPDATE noon_authorizations SET project_code = ${c.projectCode}, oauth_request_id = ${input.oauthRequestId},
             updated_at = now()
       WHERE id = ${authorizationId}::uuid`,
    Prisma.sql`
      INSERT INTO noon_authorization_events (authorization_id, type, stage, http_status, details)
      SELECT ${authorizationId}::uuid, e.type, e.stage, e.http_status, e.details
        FROM (VALUES ${Prisma.join(events)}) AS e(ord, type, stage, http_status, details)
       ORDER BY e.ord`,
  ];
}

/**
 * completeWithStoredKey's first-store case in one batch (the seller's row locked, then one statement): the
 * sealed copy erased, the credential the seal recorded ACTIVE with its store reference and its first
 * verification lease, the request COMPLETED with "key_stored" and "completed", the seller's earlier links used
 * up, and seller.connected in the outbox, its body the one emitAuthorizationEvent builds (the seller's part
 * read by the statement, the rest known here). It does nothing and answers false when the sealed copy is gone,
 * the credential is not the one the seal recorded, or the seller has an ACTIVE credential to supersede:
 * completeWithStoredKey's transaction then decides.
 */
export async function completeFirstKeyAtOnce(input: {
  pendingId: string;
  authorizationId: string;
  reference: string;
  sellerId: string;
  startedAt: Date;
  credentialId: string;
  credential: ReceivedCredential;
  oauthRequestId: string;
  ref: SecretRef;
  now: Date;
}): Promise<boolean> {
  const { authorizationId, sellerId, credentialId, ref, now } = input;
  const leaseUntil = new Date(now.getTime() + FIRST_VERIFICATION_LEASE_MS);
  const data = {
    authorization: {
      reference: input.reference,
      status: "COMPLETED",
      oauthRequestId: input.oauthRequestId,
      projectCode: input.credential.projectCode,
      startedAt: input.startedAt.toISOString(),
    },
    credential: credentialReference({
      id: credentialId,
      status: "ACTIVE",
      ...input.credential,
      secretName: ref.name,
      secretArn: ref.arn,
      secretVersionId: ref.versionId,
      storedAt: now,
      supersededAt: null,
    }),
  };
  const outbox = emitEventSteps({
    type: "seller.connected",
    stream: `seller:${sellerId}`,
    after: "done",
    data: Prisma.sql`${JSON.stringify(data)}::jsonb || jsonb_build_object('seller',
      (SELECT jsonb_build_object('id', s.id::text, 'externalId', s.external_id, 'name', s.name)
         FROM sellers s WHERE s.id = ${sellerId}::uuid))`,
  });
  const details = JSON.stringify({ secretName: ref.name, secretVersionId: ref.versionId });
  const complete = Prisma.sql`
      WITH seen AS (
        SELECT xmin::text AS row_version FROM sellers WHERE id = ${sellerId}::uuid
      ), locked AS (
        SELECT s.id FROM sellers s
         WHERE s.id = ${sellerId}::uuid AND s.xmin::text = (SELECT row_version FROM seen)
           FOR UPDATE
      ), ready AS (
        SELECT c.id FROM seller_credentials c, locked
         WHERE c.id = ${credentialId}::uuid AND c.authorization_id = ${authorizationId}::uuid
           AND c.status = 'PENDING_STORAGE'
           AND NOT EXISTS (SELECT 1 FROM seller_credentials o WHERE o.seller_id = ${sellerId}::uuid AND o.status = 'ACTIVE')
      ), erased AS (
        DELETE FROM pending_secrets p USING ready WHERE p.id = ${input.pendingId}::uuid RETURNING p.id
      ), stored AS (
        UPDATE seller_credentials c
           SET status = 'ACTIVE', secret_name = ${ref.name}, secret_arn = ${ref.arn}, secret_version_id = ${ref.versionId},
               stored_at = ${now}, next_verification_at = ${leaseUntil}
          FROM erased
         WHERE c.id = ${credentialId}::uuid
      ), done AS (
        UPDATE noon_authorizations a SET status = 'COMPLETED', completed_at = ${now}, updated_at = ${now}
          FROM erased
         WHERE a.id = ${authorizationId}::uuid
        RETURNING a.id
      ), timeline AS (
        INSERT INTO noon_authorization_events (authorization_id, type, at, message, details)
        SELECT done.id, e.type, ${now}, e.message, e.details
          FROM done, (VALUES (1, 'key_stored', ${keyStoredMessage()}, ${details}::jsonb), (2, 'completed', NULL, NULL))
               AS e(ord, type, message, details)
         ORDER BY e.ord
      ), links AS (
        UPDATE onboarding_links l SET used_at = ${now}
          FROM erased
         WHERE l.seller_id = ${sellerId}::uuid AND l.used_at IS NULL AND l.revoked_at IS NULL
           AND l.created_at <= ${input.startedAt}
      ), ${outbox.steps}
      SELECT (SELECT count(*) FROM locked)::int AS locked, (SELECT count(*) FROM erased)::int AS erased,
             ${outbox.notify} AS notified`;
  type Outcome = { locked: number; erased: number };
  // One completion at a time per seller, deciding on what the others committed (as completeWithStoredKey).
  // Every write of a seller's credentials or requests moves the seller row (its xmin: the change-feed
  // triggers of prisma/migrations), so a row unchanged between the statement's snapshot and its lock means
  // the snapshot saw them all. Otherwise the batch locks the seller's row first and runs it again.
  let [outcome] = await db().$queryRaw<Outcome[]>(complete);
  if (outcome?.locked !== 1) {
    const [, rows] = await db().$transaction([
      db().$queryRaw`SELECT id FROM sellers WHERE id = ${sellerId}::uuid FOR UPDATE`,
      db().$queryRaw<Outcome[]>(complete),
    ]);
    outcome = rows[0];
  }
  if (outcome?.erased !== 1) return false;
  queueFirstVerification({ credentialId, leaseUntil });
  return true;
}

/** The request a callback's state names, as the callback checks it. */
export type CallbackRequestRow = {
  id: string;
  reference: string;
  sellerId: string;
  createdAt: Date;
  status: string;
  stateExpiresAt: Date;
  callbackAt: Date | null;
  /** The seller had an ACTIVE credential when the callback arrived (a reconnection: one will be superseded). */
  reconnecting: boolean;
};

/**
 * The callback's first write, in one round trip: finds the request by its state hash and, only when it is
 * the session's own request (same id and seller), still STARTED, unexpired and without a callback,
 * consumes it (callback_at) and records "callback_received". A concurrent or replayed callback finds it
 * consumed (`claimed: false`); the caller tells why from `row`.
 */
export async function claimCallbackState(input: {
  stateHash: string;
  authorizationId: string;
  sellerId: string;
  now: Date;
  details: Prisma.InputJsonValue;
}): Promise<{ row: CallbackRequestRow | null; claimed: boolean }> {
  const { stateHash, authorizationId, sellerId, now } = input;
  const rows = await db().$queryRaw<Array<CallbackRequestRow & { claimed: number }>>`
    WITH found AS (
      SELECT id, reference, seller_id, status::text AS status, state_expires_at, callback_at, created_at
      FROM noon_authorizations WHERE state_hash = ${stateHash}
    ), claimed AS (
      UPDATE noon_authorizations a SET callback_at = ${now}, updated_at = ${now}
      FROM found f
      WHERE a.id = f.id AND a.id = ${authorizationId}::uuid AND a.seller_id = ${sellerId}::uuid
        AND a.status = 'STARTED' AND a.callback_at IS NULL AND a.state_expires_at > ${now}
      RETURNING a.id
    ), received AS (
      INSERT INTO noon_authorization_events (authorization_id, type, at, details)
      SELECT id, 'callback_received', ${now}, ${JSON.stringify(input.details)}::jsonb FROM claimed
      RETURNING 1
    )
    SELECT f.id, f.reference, f.seller_id AS "sellerId", f.status, f.state_expires_at AS "stateExpiresAt",
           f.callback_at AS "callbackAt", f.created_at AS "createdAt", (SELECT count(*) FROM received)::int AS claimed,
           EXISTS (SELECT 1 FROM seller_credentials c WHERE c.seller_id = f.seller_id AND c.status = 'ACTIVE') AS reconnecting
    FROM found f`;
  const found = rows[0];
  if (!found) return { row: null, claimed: false };
  const { claimed, ...row } = found;
  return { row, claimed: claimed === 1 };
}

/**
 * A step of a request that moves it forward: what Noon returned (project code, oauth_request_id) onto the
 * request and the step's timeline event, in one round trip.
 */
export async function recordStep(input: {
  authorizationId: string;
  data: { projectCode: string; oauthRequestId?: string };
  type: AuthorizationEventType;
  event: { stage: string; httpStatus: number; details: Prisma.InputJsonValue };
}): Promise<void> {
  const { authorizationId, data, type, event } = input;
  await db().$executeRaw`
    WITH updated AS (
      UPDATE noon_authorizations
      SET project_code = ${data.projectCode}, oauth_request_id = COALESCE(${data.oauthRequestId ?? null}, oauth_request_id), updated_at = now()
      WHERE id = ${authorizationId}::uuid
      RETURNING id
    )
    INSERT INTO noon_authorization_events (authorization_id, type, stage, http_status, details)
    SELECT id, ${type}, ${event.stage}, ${event.httpStatus}, ${JSON.stringify(event.details)}::jsonb FROM updated`;
}
