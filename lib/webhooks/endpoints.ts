import "server-only";
// What admins do with webhook endpoints: create (the signing secret is shown once), edit, enable or
// disable, rotate the secret with an overlap, delete. Every change is audited; the secret lives only in
// the secret store.
import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { providerUrlProblem } from "@/lib/http/outbound";
import { log } from "@/lib/log";
import { secretStore, SecretStoreError, webhookSecretName, type SecretStore } from "@/lib/secrets";
import type { Tx } from "@/lib/db/client";
import { EVENT_TYPES } from "./catalogue";

export interface Actor {
  id: string;
  email: string;
  ip: string | null;
}

const auditActor = (actor: Actor): AuditActor => ({ type: "staff", id: actor.id, label: actor.email });

/** A fresh Standard Webhooks secret: "whsec_" + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

const url = z
  .string()
  .trim()
  .min(1, "Enter the receiver's URL.")
  .max(2000, "The URL is too long (2,000 characters at most).")
  .superRefine((value, ctx) => {
    const problem = providerUrlProblem(value);
    if (problem)
      ctx.addIssue({
        code: "custom",
        message: `The URL ${problem}.`,
        params: { i18n: "admin.webhooks.errors.unsafeUrl" },
      });
  });

export const endpointInput = z.object({
  url,
  description: z
    .string()
    .trim()
    .max(200, "Keep the description under 200 characters.")
    .nullish()
    .transform((v) => (v ? v : null)),
  eventTypes: z.array(z.enum(EVENT_TYPES, "Unknown event type.")).min(1, "Choose at least one event type."),
});
/** As submitted (event types unchecked: the schema refuses unknown ones field by field). */
export type EndpointInput = { url: string; description?: string | null | undefined; eventTypes: string[] };

/** Hours during which deliveries carry both the old and the new signature. */
export const rotateInput = z.object({ overlapHours: z.coerce.number().int().min(0).max(168).default(24) });

const endpointId = z.uuid("This webhook endpoint does not exist.");

async function findEndpoint(id: string) {
  const parsed = endpointId.safeParse(id);
  const endpoint = parsed.success ? await db().webhookEndpoint.findUnique({ where: { id: parsed.data } }) : null;
  if (!endpoint) throw new AppError("NOT_FOUND", "This webhook endpoint does not exist (it may have been deleted).");
  return endpoint;
}

function storeFailure(error: unknown): AppError {
  const kind = error instanceof SecretStoreError ? ` (${error.kind})` : "";
  return new AppError(
    "UNAVAILABLE",
    `The secret store did not accept the signing secret${kind}; nothing was changed. Try again.`,
    {
      internal: error instanceof Error ? error.message : String(error),
      cause: error,
    },
  );
}

/** Creates an endpoint; the signing secret is returned this once. */
export async function createEndpoint({
  input: raw,
  actor,
  store = secretStore(),
}: {
  input: EndpointInput;
  actor: Actor;
  store?: SecretStore;
}): Promise<{ id: string; secret: string }> {
  const input = endpointInput.parse(raw);
  const id = randomUUID();
  const secret = newSigningSecret();
  let ref;
  try {
    ref = await store.put({
      name: webhookSecretName(id),
      value: secret,
      kind: "webhook-secret",
      tags: { webhook: id },
      idempotencyKey: `webhook-create:${id}`,
      description: `Signing secret of the webhook endpoint ${input.url}`,
    });
  } catch (error) {
    throw storeFailure(error);
  }
  await db().$transaction(async (tx) => {
    await tx.webhookEndpoint.create({
      data: {
        id,
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        secretName: ref.name,
        secretVersionId: ref.versionId,
        createdBy: actor.email,
      },
    });
    await recordAudit(
      {
        actor: auditActor(actor),
        action: "webhook.created",
        target: { type: "webhook", id },
        ip: actor.ip,
        details: { url: input.url, eventTypes: input.eventTypes },
      },
      tx,
    );
  });
  return { id, secret };
}

export async function updateEndpoint({
  id,
  input: raw,
  actor,
}: {
  id: string;
  input: EndpointInput;
  actor: Actor;
}): Promise<void> {
  const input = endpointInput.parse(raw);
  const before = await findEndpoint(id);
  await db().$transaction(async (tx) => {
    await tx.webhookEndpoint.update({
      where: { id: before.id },
      data: { url: input.url, description: input.description, eventTypes: input.eventTypes },
    });
    await recordAudit(
      {
        actor: auditActor(actor),
        action: "webhook.updated",
        target: { type: "webhook", id: before.id },
        ip: actor.ip,
        details: {
          url: input.url,
          eventTypes: input.eventTypes,
          previousUrl: before.url,
          previousEventTypes: before.eventTypes,
        },
      },
      tx,
    );
  });
}

/** Enabling clears the failure streak; deliveries that failed while it was off can be redelivered. */
export async function setEndpointEnabled({
  id,
  enabled,
  actor,
}: {
  id: string;
  enabled: boolean;
  actor: Actor;
}): Promise<void> {
  const endpoint = await findEndpoint(id);
  await db().$transaction(async (tx) => {
    await tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: enabled
        ? { disabledAt: null, disabledReason: null, failingSince: null }
        : { disabledAt: new Date(), disabledReason: "admin" },
    });
    await recordAudit(
      {
        actor: auditActor(actor),
        action: enabled ? "webhook.enabled" : "webhook.disabled",
        target: { type: "webhook", id: endpoint.id },
        ip: actor.ip,
        details: { url: endpoint.url },
      },
      tx,
    );
  });
}

/**
 * A new signing secret (returned this once). For `overlapHours` deliveries are signed with both the new
 * and the previous secret, so the receiver can switch without losing a delivery.
 */
export async function rotateEndpointSecret({
  id,
  input: raw,
  actor,
  store = secretStore(),
}: {
  id: string;
  input: { overlapHours?: unknown };
  actor: Actor;
  store?: SecretStore;
}): Promise<{ secret: string; previousValidUntil: Date | null }> {
  const { overlapHours } = rotateInput.parse(raw);
  const endpoint = await findEndpoint(id);
  const secret = newSigningSecret();
  let ref;
  try {
    ref = await store.put({
      name: endpoint.secretName,
      value: secret,
      kind: "webhook-secret",
      tags: { webhook: endpoint.id },
      // A retried submit of the same rotation makes no second version.
      idempotencyKey: `webhook-rotate:${endpoint.id}:${endpoint.secretVersionId}`,
      description: `Signing secret of the webhook endpoint ${endpoint.url}`,
    });
  } catch (error) {
    throw storeFailure(error);
  }
  const now = new Date();
  const previousValidUntil = overlapHours > 0 ? new Date(now.getTime() + overlapHours * 3_600_000) : null;
  await db().$transaction(async (tx) => {
    // Conditional on the version read above: two concurrent rotations cannot both win.
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: endpoint.id, secretVersionId: endpoint.secretVersionId },
      data: {
        secretVersionId: ref.versionId,
        previousSecretVersionId: previousValidUntil ? endpoint.secretVersionId : null,
        previousSecretUntil: previousValidUntil,
        secretRotatedAt: now,
      },
    });
    if (count !== 1)
      throw new AppError(
        "CONFLICT",
        "Someone else rotated this secret at the same time: reload the page and try again.",
      );
    await recordAudit(
      {
        actor: auditActor(actor),
        action: "webhook.secret_rotated",
        target: { type: "webhook", id: endpoint.id },
        ip: actor.ip,
        details: {
          overlapHours,
          previousValidUntil: previousValidUntil?.toISOString() ?? null,
          secretName: endpoint.secretName,
          versionId: ref.versionId,
        },
      },
      tx,
    );
  });
  return { secret, previousValidUntil };
}

/** Deletes the endpoint with its deliveries; the secret is scheduled for deletion in the store. */
export async function deleteEndpoint({
  id,
  actor,
  store = secretStore(),
}: {
  id: string;
  actor: Actor;
  store?: SecretStore;
}): Promise<void> {
  const endpoint = await findEndpoint(id);
  await db().$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
    await recordAudit(
      {
        actor: auditActor(actor),
        action: "webhook.deleted",
        target: { type: "webhook", id: endpoint.id },
        ip: actor.ip,
        details: { url: endpoint.url, secretName: endpoint.secretName },
      },
      tx,
    );
  });
  try {
    await store.scheduleDeletion(endpoint.secretName, { recoveryWindowDays: 7 });
  } catch (error) {
    // The endpoint is gone; an orphaned secret is harmless and visible in the store by its name.
    log().warn(
      {
        webhookId: endpoint.id,
        secretName: endpoint.secretName,
        err: error instanceof Error ? error.message : String(error),
      },
      "webhook secret not scheduled for deletion",
    );
  }
}

/** The system disables an endpoint (410 from the receiver, or failing for 5 days): recorded and audited. */
export async function disableEndpointBySystem(
  tx: Tx,
  {
    endpointId,
    reason,
    details,
  }: { endpointId: string; reason: "gone" | "failing"; details: Record<string, string | number | null> },
): Promise<boolean> {
  const { count } = await tx.webhookEndpoint.updateMany({
    where: { id: endpointId, disabledAt: null },
    data: { disabledAt: new Date(), disabledReason: reason },
  });
  if (count !== 1) return false;
  await recordAudit(
    {
      actor: { type: "system", label: "webhook delivery" },
      action: "webhook.disabled",
      target: { type: "webhook", id: endpointId },
      details: { reason, ...details },
    },
    tx,
  );
  log().warn({ webhookId: endpointId, reason, ...details }, "webhook endpoint disabled");
  return true;
}
