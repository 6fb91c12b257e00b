"use server";
// Server actions of the webhooks pages: each checks manageWebhooks (admins) through runStaffAction, then
// calls lib/webhooks. A signing secret is returned only by create and rotate, once.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { runStaffAction, type ActionState } from "@/lib/auth/action";
import type { StaffPrincipal } from "@/lib/auth/guard";
import {
  createEndpoint,
  deleteEndpoint,
  rotateEndpointSecret,
  setEndpointEnabled,
  updateEndpoint,
  type Actor,
} from "@/lib/webhooks/endpoints";
import { redeliver, redeliverSince, sendTestEvent } from "@/lib/webhooks/operations";

const idSchema = z.uuid("Unknown webhook endpoint.");
const actor = (staff: StaffPrincipal): Actor => ({ id: staff.id, email: staff.email, ip: staff.ip });
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};
const endpointFields = (form: FormData) => ({
  url: text(form, "url") ?? "",
  description: text(form, "description"),
  eventTypes: form.getAll("eventTypes").filter((v): v is string => typeof v === "string"),
});
const refresh = (id?: string) => {
  revalidatePath("/admin/webhooks");
  if (id) revalidatePath(`/admin/webhooks/${id}`);
};

export type CreatedEndpoint = { id: string; secret: string };

/** Creates an endpoint; its signing secret is in the answer only this once. */
export async function createEndpointAction(
  _previous: ActionState<CreatedEndpoint>,
  form: FormData,
): Promise<ActionState<CreatedEndpoint>> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const created = await createEndpoint({ input: endpointFields(form), actor: actor(staff) });
    refresh();
    return { status: "ok", message: "Endpoint created.", i18n: { key: "admin.webhooks.created" }, data: created };
  });
}

export async function updateEndpointAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const id = idSchema.parse(text(form, "endpointId"));
    await updateEndpoint({ id, input: endpointFields(form), actor: actor(staff) });
    refresh(id);
    return { status: "ok", message: "Saved.", i18n: { key: "admin.webhooks.saved" } };
  });
}

export async function setEndpointEnabledAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const id = idSchema.parse(text(form, "endpointId"));
    const enable = text(form, "enabled") === "1";
    await setEndpointEnabled({ id, enabled: enable, actor: actor(staff) });
    refresh(id);
    return {
      status: "ok",
      message: enable ? "Enabled: new events are delivered again." : "Disabled: no events are delivered to it.",
      i18n: { key: enable ? "admin.webhooks.availability.enabledDone" : "admin.webhooks.availability.disabledDone" },
    };
  });
}

export async function rotateSecretAction(
  _previous: ActionState<{ secret: string; previousValidUntil: string | null }>,
  form: FormData,
): Promise<ActionState<{ secret: string; previousValidUntil: string | null }>> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const id = idSchema.parse(text(form, "endpointId"));
    const rotated = await rotateEndpointSecret({
      id,
      input: { overlapHours: text(form, "overlapHours") },
      actor: actor(staff),
    });
    refresh(id);
    return {
      status: "ok",
      message: "New signing secret created.",
      i18n: { key: "admin.webhooks.secret.rotated" },
      data: { secret: rotated.secret, previousValidUntil: rotated.previousValidUntil?.toISOString() ?? null },
    };
  });
}

export async function deleteEndpointAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  const state = await runStaffAction<undefined>("manageWebhooks", async (staff) => {
    const id = idSchema.parse(text(form, "endpointId"));
    z.literal("delete", "Type “delete” to confirm.").parse(text(form, "confirm"));
    await deleteEndpoint({ id, actor: actor(staff) });
    refresh();
    return { status: "ok", message: "Deleted.", i18n: { key: "admin.webhooks.deleted" } };
  });
  if (state.status === "ok") redirect("/admin/webhooks?deleted=1");
  return state;
}

export async function sendTestEventAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const id = idSchema.parse(text(form, "endpointId"));
    await sendTestEvent(id, actor(staff));
    refresh(id);
    return {
      status: "ok",
      message: "Test event queued: it appears in the deliveries below within seconds.",
      i18n: { key: "admin.webhooks.test.queued" },
    };
  });
}

export async function redeliverAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const deliveryId = z.uuid("Unknown delivery.").parse(text(form, "deliveryId"));
    await redeliver(deliveryId, actor(staff));
    const endpointId = idSchema.safeParse(text(form, "endpointId"));
    refresh(endpointId.success ? endpointId.data : undefined);
    return {
      status: "ok",
      message: "Redelivery queued (same webhook-id).",
      i18n: { key: "admin.webhooks.redeliver.queued" },
    };
  });
}

export async function redeliverSinceAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageWebhooks", async (staff) => {
    const id = idSchema.parse(text(form, "endpointId"));
    // datetime-local has no zone: the form says it is UTC.
    const raw = text(form, "since") ?? "";
    const since = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(raw) ? `${raw}Z` : raw;
    const { count } = await redeliverSince({ endpointId: id, input: { since }, actor: actor(staff) });
    refresh(id);
    return {
      status: "ok",
      message:
        count === 0
          ? "No events of this endpoint's types since then."
          : `${count} event${count === 1 ? "" : "s"} queued for redelivery.`,
      i18n: { key: "admin.webhooks.redeliver.queuedSince", values: { count } },
    };
  });
}
