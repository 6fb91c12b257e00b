import "server-only";
// The outbox: events are written by the transaction of the state change that causes them, with one
// delivery row per subscribed endpoint. NOTIFY (sent by PostgreSQL only if that transaction commits)
// wakes the dispatcher in the worker processes (lib/webhooks/listener.ts).
import { Prisma } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/client";
import { v7 as uuid7 } from "uuid";
import type { EventType } from "./catalogue";

export const NOTIFY_CHANNEL = "webhook_deliveries";

export type EventBody = {
  type: string;
  /** When the state change happened (ISO 8601, UTC). */
  timestamp: string;
  /** Per seller (per connection for connection.* events): 1, 2, 3 … without gaps, in commit order. */
  sequence: number;
  data: Prisma.InputJsonObject;
};

/**
 * The bytes that are signed and sent: the stored body with its top-level keys in a fixed order
 * (PostgreSQL's jsonb keeps its own key order), the same on every attempt.
 */
export function deliveryBody(payload: unknown, space?: number): string {
  const p = (payload ?? {}) as Record<string, unknown>;
  return JSON.stringify({ type: p.type, timestamp: p.timestamp, sequence: p.sequence, data: p.data }, null, space);
}

export type EmitInput = {
  type: EventType | "webhook.test";
  /** "seller:<id>", "connection:<id>" or "endpoint:<id>". */
  stream: string;
  data: Prisma.InputJsonObject;
  occurredAt?: Date;
  /** Deliver to this endpoint only, whatever it subscribed to (the test event). */
  onlyEndpointId?: string;
};

/**
 * Writes one event with the next sequence number of its stream, and a pending delivery for every
 * enabled endpoint subscribed to its type, in one statement (emitEventSteps). Call it inside the state
 * change's transaction.
 */
export async function emitEvent(
  tx: Tx,
  input: EmitInput,
): Promise<{ eventId: string; sequence: number; deliveries: number }> {
  // The stream's row stays locked until this transaction ends: concurrent emitters of one seller queue
  // there, and a rolled-back transaction gives its number back (no gaps).
  const outbox = emitEventSteps({ ...input, data: Prisma.sql`${JSON.stringify(input.data)}::jsonb`, after: "emit" });
  const [row] = await tx.$queryRaw<{ eventId: string; sequence: bigint; deliveries: number; notified: unknown }[]>`
    WITH emit AS (SELECT 1), ${outbox.steps}
    SELECT (SELECT id::text FROM outbox_event) AS "eventId", (SELECT last_sequence FROM outbox_stream) AS sequence,
           (SELECT count(*) FROM outbox_deliveries)::int AS deliveries, ${outbox.notify} AS notified`;
  if (!row) throw new Error("the outbox statement returned no row");
  return { eventId: row.eventId, sequence: Number(row.sequence), deliveries: row.deliveries };
}

/**
 * The outbox's rows as members `outbox_*` of a statement's WITH (the stream's next number, the event, a
 * delivery per subscribed endpoint, or only to `onlyEndpointId`), written only when the member named `after`
 * returns a row, so a state change written as one statement carries its event. `data` is a jsonb expression
 * (it may read the statement's members). Select `notify` in the main query: PostgreSQL runs a member that
 * sends nothing only when something reads it, and sends the NOTIFY only if the transaction commits.
 */
export function emitEventSteps(input: {
  type: EmitInput["type"];
  stream: string;
  data: Prisma.Sql;
  after: string;
  occurredAt?: Date;
  onlyEndpointId?: string;
}): { steps: Prisma.Sql; notify: Prisma.Sql } {
  const occurredAt = input.occurredAt ?? new Date();
  const after = Prisma.raw(input.after);
  const [reason, endpoints] = input.onlyEndpointId
    ? [Prisma.sql`'test'`, Prisma.sql`e.id = ${input.onlyEndpointId}::uuid`]
    : [Prisma.sql`'event'`, Prisma.sql`e.disabled_at IS NULL AND ${input.type}::text = ANY(e.event_types)`];
  const steps = Prisma.sql`
    outbox_stream AS (
      INSERT INTO webhook_streams (stream, last_sequence) SELECT ${input.stream}, 1 FROM ${after}
      ON CONFLICT (stream) DO UPDATE SET last_sequence = webhook_streams.last_sequence + 1
      RETURNING last_sequence
    ), outbox_event AS (
      INSERT INTO webhook_events (id, type, stream, sequence, occurred_at, payload, created_at)
      SELECT ${uuid7()}::uuid, ${input.type}, ${input.stream}, outbox_stream.last_sequence, ${occurredAt},
             jsonb_build_object('type', ${input.type}::text, 'timestamp', ${occurredAt.toISOString()}::text,
                                'sequence', outbox_stream.last_sequence, 'data', ${input.data}),
             now()
        FROM outbox_stream
      RETURNING id
    ), outbox_deliveries AS (
      INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at, reason, created_at)
      SELECT gen_random_uuid(), outbox_event.id, e.id, 'PENDING', clock_timestamp(), ${reason}, clock_timestamp()
        FROM outbox_event, webhook_endpoints e
       WHERE ${endpoints}
      RETURNING 1
    )`;
  const notify = Prisma.sql`(SELECT pg_notify(${NOTIFY_CHANNEL}, '')::text FROM outbox_deliveries LIMIT 1)`;
  return { steps, notify };
}

// ───────────────────────── the domain's events ─────────────────────────

const credentialSelect = {
  id: true,
  status: true,
  projectCode: true,
  keyId: true,
  channelIdentifier: true,
  issuedAt: true,
  secretName: true,
  secretArn: true,
  secretVersionId: true,
  storedAt: true,
  supersededAt: true,
} as const;

type CredentialRow = Prisma.SellerCredentialGetPayload<{ select: typeof credentialSelect }>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Where the key is (never the key): what a backend needs to read it from the secret store. */
export function credentialReference(c: CredentialRow): Prisma.InputJsonObject {
  return {
    id: c.id,
    status: c.status,
    projectCode: c.projectCode,
    keyId: c.keyId,
    channelIdentifier: c.channelIdentifier,
    issuedAt: iso(c.issuedAt),
    secretName: c.secretName,
    secretArn: c.secretArn,
    secretVersionId: c.secretVersionId,
    storedAt: iso(c.storedAt),
  };
}

type AuthorizationEventType =
  | "seller.connected"
  | "authorization.failed"
  | "authorization.declined"
  | "authorization.key_storage_delayed"
  | "authorization.key_stored";

// The timeline entry whose message the event repeats.
const TIMELINE_TYPE: Record<Exclude<AuthorizationEventType, "seller.connected" | "authorization.failed">, string> = {
  "authorization.declined": "declined",
  "authorization.key_storage_delayed": "key_pending_storage",
  "authorization.key_stored": "key_stored",
};

/**
 * An event about one authorization request, built from the rows this transaction just wrote (the
 * request, its seller, its credential reference and the timeline's message).
 */
export async function emitAuthorizationEvent(
  tx: Tx,
  {
    authorizationId,
    type,
    extra = {},
  }: { authorizationId: string; type: AuthorizationEventType; extra?: Prisma.InputJsonObject },
): Promise<void> {
  const auth = await tx.noonAuthorization.findUniqueOrThrow({
    where: { id: authorizationId },
    select: {
      id: true,
      reference: true,
      status: true,
      oauthRequestId: true,
      projectCode: true,
      failureStage: true,
      failureHttpStatus: true,
      failureMessage: true,
      createdAt: true,
      seller: { select: { id: true, externalId: true, name: true } },
      credential: { select: credentialSelect },
    },
  });
  const timeline =
    type === "seller.connected" || type === "authorization.failed"
      ? null
      : await tx.noonAuthorizationEvent.findFirst({
          where: { authorizationId, type: TIMELINE_TYPE[type] },
          orderBy: { id: "desc" },
          select: { message: true },
        });
  const data: Prisma.InputJsonObject = {
    seller: { id: auth.seller.id, externalId: auth.seller.externalId, name: auth.seller.name },
    authorization: {
      reference: auth.reference,
      status: auth.status,
      oauthRequestId: auth.oauthRequestId,
      projectCode: auth.projectCode,
      startedAt: auth.createdAt.toISOString(),
    },
    ...(type === "authorization.failed"
      ? { stage: auth.failureStage, httpStatus: auth.failureHttpStatus, message: auth.failureMessage }
      : type === "seller.connected"
        ? {}
        : { message: timeline?.message ?? null }),
    ...(type === "authorization.failed" || type === "authorization.declined" || !auth.credential
      ? {}
      : { credential: credentialReference(auth.credential) }),
    ...extra,
  };
  await emitEvent(tx, { type, stream: `seller:${auth.seller.id}`, data });
}

/** credential.superseded: the replaced credential's reference and what replaced it. */
export async function emitCredentialSuperseded(
  tx: Tx,
  { credentialId, replacedByCredentialId }: { credentialId: string; replacedByCredentialId: string },
): Promise<void> {
  const credential = await tx.sellerCredential.findUniqueOrThrow({
    where: { id: credentialId },
    select: {
      ...credentialSelect,
      sellerId: true,
      authorization: { select: { reference: true } },
      seller: { select: { externalId: true, name: true } },
    },
  });
  const by = await tx.sellerCredential.findUnique({
    where: { id: replacedByCredentialId },
    select: { id: true, keyId: true, authorization: { select: { reference: true } } },
  });
  await emitEvent(tx, {
    type: "credential.superseded",
    stream: `seller:${credential.sellerId}`,
    data: {
      seller: { id: credential.sellerId, externalId: credential.seller.externalId, name: credential.seller.name },
      authorization: { reference: credential.authorization.reference },
      credential: { ...credentialReference(credential), status: "SUPERSEDED" },
      supersededBy: by
        ? { credentialId: by.id, keyId: by.keyId, authorizationReference: by.authorization.reference }
        : null,
    },
  });
}

/**
 * credential.verified (first ok, or ok after failures) and credential.invalid (failed twice in a row):
 * the verification's outcome with the credential's reference. Called by lib/noon/verify.ts in the
 * transaction that records the outcome.
 */
export async function emitCredentialVerification(
  tx: Tx,
  {
    credentialId,
    type,
    outcome,
  }: {
    credentialId: string;
    type: "credential.verified" | "credential.invalid";
    outcome: { result: string; httpStatus: number | null; message: string; verifiedAt: Date; failuresInARow: number };
  },
): Promise<void> {
  const credential = await tx.sellerCredential.findUniqueOrThrow({
    where: { id: credentialId },
    select: {
      ...credentialSelect,
      sellerId: true,
      authorization: { select: { reference: true } },
      seller: { select: { externalId: true, name: true } },
    },
  });
  await emitEvent(tx, {
    type,
    stream: `seller:${credential.sellerId}`,
    occurredAt: outcome.verifiedAt,
    data: {
      seller: { id: credential.sellerId, externalId: credential.seller.externalId, name: credential.seller.name },
      authorization: { reference: credential.authorization.reference },
      credential: credentialReference(credential),
      verification: {
        result: outcome.result,
        httpStatus: outcome.httpStatus,
        message: outcome.message,
        verifiedAt: outcome.verifiedAt.toISOString(),
        failuresInARow: outcome.failuresInARow,
      },
    },
  });
}

/**
 * Call inside the transaction that records a connection's token request or test, before its own update:
 * the first failure after a success (or ever) emits connection.unhealthy, the first success after
 * failures emits connection.recovered. The connection row is locked so concurrent outcomes see each other.
 */
export async function noteConnectionHealth(
  tx: Tx,
  connectionId: string,
  outcome: { ok: true } | { ok: false; message: string; httpStatus?: number | null },
): Promise<void> {
  const [row] = await tx.$queryRaw<
    {
      id: string;
      name: string;
      provider: string;
      environment: string;
      consecutive_failures: number;
      last_failure_at: Date | null;
      last_success_at: Date | null;
    }[]
  >`SELECT id::text, name, provider::text, environment::text, consecutive_failures, last_failure_at, last_success_at
      FROM connections WHERE id = ${connectionId}::uuid FOR UPDATE`;
  if (!row) return;
  const connection = { id: row.id, name: row.name, provider: row.provider, environment: row.environment };
  const stream = `connection:${row.id}`;
  if (outcome.ok && row.consecutive_failures > 0) {
    await emitEvent(tx, {
      type: "connection.recovered",
      stream,
      data: { connection, failedAttempts: row.consecutive_failures, lastFailureAt: iso(row.last_failure_at) },
    });
  } else if (!outcome.ok && row.consecutive_failures === 0) {
    await emitEvent(tx, {
      type: "connection.unhealthy",
      stream,
      data: {
        connection,
        message: outcome.message.slice(0, 500),
        httpStatus: outcome.httpStatus ?? null,
        lastSuccessAt: iso(row.last_success_at),
      },
    });
  }
}
