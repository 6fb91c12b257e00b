"use server";
// Server actions of the connections pages: each checks manageConnections through runStaffAction, then
// calls lib/connections. No action ever returns a submitted secret.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { runStaffAction, type ActionState } from "@/lib/auth/action";
import type { StaffPrincipal } from "@/lib/auth/guard";
import { PROVIDER_IDS } from "@/lib/connections/providers/types";
import {
  confirmRotation,
  createConnection,
  deleteConnection,
  rotateSecret,
  setConnectionDisabled,
  testConnection,
  updateConnection,
  type Actor,
  type TestOutcome,
} from "@/lib/connections/service";

const idSchema = z.uuid("Unknown connection.");
const actor = (staff: StaffPrincipal): Actor => ({ id: staff.id, email: staff.email, ip: staff.ip });
const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : undefined;
};

export async function createConnectionAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  let id: string | undefined;
  const state = await runStaffAction<undefined>("manageConnections", async (staff) => {
    const created = await createConnection(
      {
        provider: z.enum(PROVIDER_IDS).parse(text(form, "provider")),
        environment: z
          .enum(["SANDBOX", "PRODUCTION", "SIMULATOR"], { error: "Choose an environment." })
          .parse(text(form, "environment")),
        name: text(form, "name") ?? "",
        clientId: text(form, "clientId") ?? "",
        clientSecret: text(form, "clientSecret") ?? "",
        scope: text(form, "scope"),
        tokenUrl: text(form, "tokenUrl"),
        apiBaseUrl: text(form, "apiBaseUrl"),
        credentialsIn: text(form, "credentialsIn") === "body" ? "body" : "basic",
        bodyEncoding: text(form, "bodyEncoding") === "json" ? "json" : "form",
      },
      actor(staff),
    );
    id = created.id;
    return { status: "ok", message: "Connection created.", i18n: { key: "admin.connections.created" } };
  });
  if (state.status === "ok" && id) {
    revalidatePath("/admin/connections");
    redirect(`/admin/connections/${id}?created=1`);
  }
  return state;
}

export async function updateConnectionAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageConnections", async (staff) => {
    const id = idSchema.parse(text(form, "connectionId"));
    await updateConnection(
      id,
      {
        name: text(form, "name") ?? "",
        clientId: text(form, "clientId") ?? "",
        scope: text(form, "scope"),
        tokenUrl: text(form, "tokenUrl"),
        apiBaseUrl: text(form, "apiBaseUrl"),
        credentialsIn: text(form, "credentialsIn") === "body" ? "body" : "basic",
        bodyEncoding: text(form, "bodyEncoding") === "json" ? "json" : "form",
        clientSecret: text(form, "clientSecret"),
      },
      actor(staff),
    );
    revalidatePath(`/admin/connections/${id}`);
    return { status: "ok", message: "Saved.", i18n: { key: "admin.connections.saved" } };
  });
}

export async function testConnectionAction(
  _previous: ActionState<TestOutcome>,
  form: FormData,
): Promise<ActionState<TestOutcome>> {
  return runStaffAction("manageConnections", async (staff): Promise<ActionState<TestOutcome>> => {
    const id = idSchema.parse(text(form, "connectionId"));
    const outcome = await testConnection(id, actor(staff));
    revalidatePath(`/admin/connections/${id}`);
    if (outcome.ok)
      return {
        status: "ok",
        message: outcome.message,
        i18n: { key: "admin.connections.test.works", values: { ms: outcome.latencyMs } },
        data: outcome,
      };
    return {
      status: "error",
      code: "UPSTREAM",
      message: outcome.message,
      i18n: { key: "admin.connections.test.failedWith", values: { detail: outcome.message } },
    };
  });
}

export async function rotateSecretAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageConnections", async (staff) => {
    const id = idSchema.parse(text(form, "connectionId"));
    const result = await rotateSecret(id, { clientSecret: text(form, "clientSecret") ?? "" }, actor(staff));
    revalidatePath(`/admin/connections/${id}`);
    if (!result.ok)
      return {
        status: "error",
        code: result.error.code,
        message: result.error.userMessage,
        i18n: { key: "admin.connections.secret.refused", values: { detail: result.error.userMessage } },
      };
    return {
      status: "ok",
      message:
        "The new secret works: a token was fetched with it, and it is now the current version. Confirm the rotation once the old secret is revoked at the provider.",
      i18n: { key: "admin.connections.secret.rotated" },
    };
  });
}

export async function confirmRotationAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageConnections", async (staff) => {
    const id = idSchema.parse(text(form, "connectionId"));
    await confirmRotation(id, actor(staff));
    revalidatePath(`/admin/connections/${id}`);
    return { status: "ok", message: "Rotation confirmed.", i18n: { key: "admin.connections.secret.confirmed" } };
  });
}

export async function setDisabledAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  return runStaffAction("manageConnections", async (staff) => {
    const id = idSchema.parse(text(form, "connectionId"));
    const disable = text(form, "disable") === "1";
    await setConnectionDisabled(id, disable, actor(staff));
    revalidatePath(`/admin/connections/${id}`);
    revalidatePath("/admin/connections");
    return {
      status: "ok",
      message: disable ? "Disabled: no tokens are handed out until it is enabled again." : "Enabled.",
      i18n: {
        key: disable ? "admin.connections.availability.disabledDone" : "admin.connections.availability.enabledDone",
      },
    };
  });
}

export async function deleteConnectionAction(_previous: ActionState, form: FormData): Promise<ActionState> {
  let deleted = false;
  const state = await runStaffAction<undefined>("manageConnections", async (staff) => {
    const id = idSchema.parse(text(form, "connectionId"));
    if (text(form, "confirm") !== "delete")
      return {
        status: "error",
        code: "BAD_REQUEST",
        message: 'Type "delete" to confirm.',
        i18n: { key: "admin.connections.delete.typeDelete", values: { word: "delete" } },
      };
    await deleteConnection(id, actor(staff));
    deleted = true;
    return { status: "ok", message: "Deleted.", i18n: { key: "admin.connections.deleted" } };
  });
  if (deleted) {
    revalidatePath("/admin/connections");
    redirect("/admin/connections?deleted=1");
  }
  return state;
}
