import "server-only";
// What admins ask of deliveries: send one event again, send everything since a time again, send a test
// event. Each creates new delivery rows (same event, same webhook-id) and is audited.
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { TEST_EVENT_TYPE } from "./catalogue";
import { emitEvent, NOTIFY_CHANNEL } from "./emit";
import type { Actor } from "./endpoints";

/** At most this many events per "redeliver since" (the oldest first). */
export const REDELIVER_LIMIT = 10_000;

const uuid = (what: string) => z.uuid(`This ${what} does not exist.`);

async function enabledEndpoint(id: string) {
  const parsed = uuid("webhook endpoint").safeParse(id);
  const endpoint = parsed.success
    ? await db().webhookEndpoint.findUnique({
        where: { id: parsed.data },
        select: { id: true, url: true, disabledAt: true, eventTypes: true },
      })
    : null;
  if (!endpoint) throw new AppError("NOT_FOUND", "This webhook endpoint does not exist (it may have been deleted).");
  return endpoint;
}

/** Sends one delivery's event again to its endpoint (a new delivery; the webhook-id stays the same). */
export async function redeliver(deliveryId: string, actor: Actor): Promise<{ deliveryId: string }> {
  const parsed = uuid("delivery").safeParse(deliveryId);
  const original = parsed.success
    ? await db().webhookDelivery.findUnique({
        where: { id: parsed.data },
        select: { id: true, eventId: true, endpointId: true },
      })
    : null;
  if (!original)
    throw new AppError("NOT_FOUND", "This delivery does not exist (its event may be older than the retention period).");
  const endpoint = await enabledEndpoint(original.endpointId);
  if (endpoint.disabledAt)
    throw new AppError("CONFLICT", "The endpoint is disabled: enable it first, then redeliver.", {
      i18n: { key: "admin.webhooks.errors.disabled" },
    });
  const created = await db().$transaction(async (tx) => {
    const row = await tx.webhookDelivery.create({
      data: {
        eventId: original.eventId,
        endpointId: endpoint.id,
        reason: "redelivery",
        requestedBy: actor.email,
        nextAttemptAt: new Date(),
      },
      select: { id: true },
    });
    await recordAudit(
      {
        actor: { type: "staff", id: actor.id, label: actor.email },
        action: "webhook.redelivered",
        target: { type: "webhook", id: endpoint.id },
        ip: actor.ip,
        details: { eventId: original.eventId, deliveryId: row.id },
      },
      tx,
    );
    await tx.$executeRawUnsafe(`NOTIFY ${NOTIFY_CHANNEL}`);
    return row;
  });
  return { deliveryId: created.id };
}

export const redeliverSinceInput = z.object({
  since: z.coerce.date("Enter a date and time (UTC)."),
});

/** Sends every event of the endpoint's types that happened since `since` again (oldest first). */
export async function redeliverSince({
  endpointId,
  input: raw,
  actor,
}: {
  endpointId: string;
  input: { since: unknown };
  actor: Actor;
}): Promise<{ count: number }> {
  const { since } = redeliverSinceInput.parse(raw);
  if (since.getTime() > Date.now())
    throw new AppError("BAD_REQUEST", "The time is in the future: choose a time in the past (UTC).", {
      i18n: { key: "admin.webhooks.errors.future" },
    });
  const endpoint = await enabledEndpoint(endpointId);
  if (endpoint.disabledAt)
    throw new AppError("CONFLICT", "The endpoint is disabled: enable it first, then redeliver.", {
      i18n: { key: "admin.webhooks.errors.disabled" },
    });
  const count = await db().$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at, reason, requested_by, created_at)
      SELECT gen_random_uuid(), e.id, ${endpoint.id}::uuid, 'PENDING', clock_timestamp(), 'redelivery', ${actor.email}, clock_timestamp()
        FROM (SELECT id FROM webhook_events
               WHERE occurred_at >= ${since} AND type = ANY(${endpoint.eventTypes}::text[])
               ORDER BY occurred_at, stream, sequence LIMIT ${REDELIVER_LIMIT}) e`;
    await recordAudit(
      {
        actor: { type: "staff", id: actor.id, label: actor.email },
        action: "webhook.redelivered",
        target: { type: "webhook", id: endpoint.id },
        ip: actor.ip,
        details: { since: since.toISOString(), count: inserted },
      },
      tx,
    );
    if (inserted > 0) await tx.$executeRawUnsafe(`NOTIFY ${NOTIFY_CHANNEL}`);
    return inserted;
  });
  return { count };
}

/** A "webhook.test" event to this endpoint only (also when disabled, to check a receiver before enabling). */
export async function sendTestEvent(endpointId: string, actor: Actor): Promise<{ eventId: string }> {
  const endpoint = await enabledEndpoint(endpointId);
  return db().$transaction(async (tx) => {
    const { eventId } = await emitEvent(tx, {
      type: TEST_EVENT_TYPE,
      stream: `endpoint:${endpoint.id}`,
      onlyEndpointId: endpoint.id,
      data: { endpoint: { id: endpoint.id, url: endpoint.url }, message: "A test event sent from the dashboard." },
    });
    await recordAudit(
      {
        actor: { type: "staff", id: actor.id, label: actor.email },
        action: "webhook.test_sent",
        target: { type: "webhook", id: endpoint.id },
        ip: actor.ip,
        details: { eventId },
      },
      tx,
    );
    return { eventId };
  });
}
