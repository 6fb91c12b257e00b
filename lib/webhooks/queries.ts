import "server-only";
// Read models for the webhooks dashboard: plain objects, never a secret.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { webhookId } from "./deliver";
import { deliveryBody } from "./emit";

export type DeliveryStatus = "PENDING" | "SUCCEEDED" | "FAILED";

export interface EndpointSummary {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  disabledAt: Date | null;
  /** "admin", "gone" (410) or "failing" (5 days of failures). */
  disabledReason: string | null;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  pending: number;
  failedLast24h: number;
  createdAt: Date;
}

export interface EndpointDetail extends EndpointSummary {
  createdBy: string;
  secretRotatedAt: Date | null;
  previousSecretUntil: Date | null;
  /** The previous secret still signs (a rotation's overlap). */
  previousSecretActive: boolean;
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  webhookId: string;
  eventType: string;
  sequence: number;
  occurredAt: Date;
  status: DeliveryStatus;
  reason: string;
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface DeliveryDetail extends DeliveryRow {
  endpointId: string;
  endpointUrl: string;
  requestedBy: string | null;
  /** The delivered body, pretty-printed. */
  payload: string;
  attemptLog: Array<{
    id: string;
    at: Date;
    ok: boolean;
    httpStatus: number | null;
    error: string | null;
    latencyMs: number;
  }>;
}

const endpointSelect = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  disabledAt: true,
  disabledReason: true,
  failingSince: true,
  lastSuccessAt: true,
  createdAt: true,
  createdBy: true,
  secretRotatedAt: true,
  previousSecretUntil: true,
} as const;

async function counts(ids: string[]): Promise<Map<string, { pending: number; failed: number }>> {
  const out = new Map<string, { pending: number; failed: number }>();
  if (ids.length === 0) return out;
  const rows = await db().$queryRaw<{ endpoint_id: string; pending: number; failed: number }[]>`
    SELECT endpoint_id::text,
           count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
           count(*) FILTER (WHERE status = 'FAILED' AND created_at > now() - interval '24 hours')::int AS failed
      FROM webhook_deliveries
     WHERE endpoint_id = ANY(${ids}::uuid[]) AND (status = 'PENDING' OR created_at > now() - interval '24 hours')
     GROUP BY endpoint_id`;
  for (const r of rows) out.set(r.endpoint_id, { pending: r.pending, failed: r.failed });
  return out;
}

export async function listEndpoints(): Promise<EndpointSummary[]> {
  const rows = await db().webhookEndpoint.findMany({ select: endpointSelect, orderBy: { createdAt: "asc" } });
  const byId = await counts(rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, pending: byId.get(r.id)?.pending ?? 0, failedLast24h: byId.get(r.id)?.failed ?? 0 }));
}

export async function getEndpoint(id: string): Promise<EndpointDetail | null> {
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) return null;
  const row = await db().webhookEndpoint.findUnique({ where: { id: parsed.data }, select: endpointSelect });
  if (!row) return null;
  const c = (await counts([row.id])).get(row.id);
  return {
    ...row,
    pending: c?.pending ?? 0,
    failedLast24h: c?.failed ?? 0,
    previousSecretActive: (row.previousSecretUntil?.getTime() ?? 0) > Date.now(),
  };
}

const deliverySelect = {
  id: true,
  eventId: true,
  status: true,
  reason: true,
  attempts: true,
  lastHttpStatus: true,
  lastError: true,
  lastLatencyMs: true,
  lastAttemptAt: true,
  nextAttemptAt: true,
  deliveredAt: true,
  createdAt: true,
  event: { select: { type: true, sequence: true, occurredAt: true } },
} as const;

type DeliverySelected = {
  id: string;
  eventId: string;
  status: DeliveryStatus;
  reason: string;
  attempts: number;
  lastHttpStatus: number | null;
  lastError: string | null;
  lastLatencyMs: number | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  event: { type: string; sequence: bigint; occurredAt: Date };
};

function toRow(d: DeliverySelected): DeliveryRow {
  return {
    id: d.id,
    eventId: d.eventId,
    webhookId: webhookId(d.eventId),
    eventType: d.event.type,
    sequence: Number(d.event.sequence),
    occurredAt: d.event.occurredAt,
    status: d.status,
    reason: d.reason,
    attempts: d.attempts,
    lastHttpStatus: d.lastHttpStatus,
    lastError: d.lastError,
    lastLatencyMs: d.lastLatencyMs,
    lastAttemptAt: d.lastAttemptAt,
    nextAttemptAt: d.status === "PENDING" ? d.nextAttemptAt : null,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  };
}

export const deliveryFilter = z.object({
  status: z.enum(["PENDING", "SUCCEEDED", "FAILED"]).optional().catch(undefined),
  /** Keyset: deliveries created before this one's row (newest first). */
  before: z.uuid().optional().catch(undefined),
});

export const DELIVERIES_PAGE = 50;

/** Newest first, 50 a page; `next` is the id to pass as `before` for the following page. */
export async function listDeliveries(
  endpointId: string,
  filter: z.infer<typeof deliveryFilter>,
): Promise<{ rows: DeliveryRow[]; next: string | null }> {
  const cursor = filter.before
    ? await db().webhookDelivery.findUnique({ where: { id: filter.before }, select: { createdAt: true, id: true } })
    : null;
  const rows = await db().webhookDelivery.findMany({
    where: {
      endpointId,
      ...(filter.status ? { status: filter.status } : {}),
      ...(cursor
        ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }
        : {}),
    },
    select: deliverySelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: DELIVERIES_PAGE + 1,
  });
  const page = rows.slice(0, DELIVERIES_PAGE).map(toRow);
  return { rows: page, next: rows.length > DELIVERIES_PAGE ? (page.at(-1)?.id ?? null) : null };
}

export async function getDelivery(endpointId: string, deliveryId: string): Promise<DeliveryDetail | null> {
  const ids = z.object({ endpointId: z.uuid(), deliveryId: z.uuid() }).safeParse({ endpointId, deliveryId });
  if (!ids.success) return null;
  const d = await db().webhookDelivery.findFirst({
    where: { id: ids.data.deliveryId, endpointId: ids.data.endpointId },
    select: {
      ...deliverySelect,
      requestedBy: true,
      event: { select: { type: true, sequence: true, occurredAt: true, payload: true } },
      endpoint: { select: { id: true, url: true } },
      attemptLog: {
        orderBy: { id: "asc" },
        select: { id: true, at: true, ok: true, httpStatus: true, error: true, latencyMs: true },
      },
    },
  });
  if (!d) return null;
  return {
    ...toRow(d),
    endpointId: d.endpoint.id,
    endpointUrl: d.endpoint.url,
    requestedBy: d.requestedBy,
    payload: deliveryBody(d.event.payload, 2),
    attemptLog: d.attemptLog.map((a) => ({ ...a, id: a.id.toString() })),
  };
}

/** A time `hours` ago as a datetime-local value in UTC ("2026-11-30T17:05"). */
export function hoursAgoForInput(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString().slice(0, 16);
}
