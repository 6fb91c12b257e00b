"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runStaffAction, type ActionState } from "@/lib/auth/action";
import { createApiKey, createApiKeySchema, revokeApiKey } from "@/lib/api-keys";

/** Creates an API key; the key itself is in the answer only this once. */
export async function createApiKeyAction(
  _previous: ActionState<{ key: string; prefix: string }>,
  formData: FormData,
): Promise<ActionState<{ key: string; prefix: string }>> {
  return runStaffAction("manageApiKeys", async (staff) => {
    const input = createApiKeySchema.parse({
      name: formData.get("name") ?? "",
      scopes: formData.getAll("scopes"),
      expiresOn: formData.get("expiresOn") ?? "",
      connectionIds: formData.getAll("connectionIds"),
    });
    const created = await createApiKey(input, staff);
    revalidatePath("/admin/api-keys");
    return {
      status: "ok",
      message: `Key ${created.prefix}… created.`,
      i18n: { key: "admin.apiKeys.created", values: { prefix: created.prefix } },
      data: { key: created.key, prefix: created.prefix },
    };
  });
}

export async function revokeApiKeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  return runStaffAction("manageApiKeys", async (staff) => {
    await revokeApiKey(z.string().uuid().parse(formData.get("apiKeyId")), staff);
    revalidatePath("/admin/api-keys");
    return {
      status: "ok",
      message: "Key revoked: calls with it are refused from now on.",
      i18n: { key: "admin.apiKeys.revoked" },
    };
  });
}
