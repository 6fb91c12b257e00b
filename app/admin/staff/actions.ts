"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runStaffAction, type ActionState } from "@/lib/auth/action";
import {
  changeStaffRole,
  disableStaff,
  enableStaff,
  inviteStaff,
  inviteSchema,
  issueSetPasswordLink,
  roleSchema,
} from "@/lib/staff";

const idSchema = z.string().uuid("Unknown staff member.");

/** Invites a staff member; answers a set-password link shown once. */
export async function inviteStaffAction(
  _previous: ActionState<{ link: string; email: string }>,
  formData: FormData,
): Promise<ActionState<{ link: string; email: string }>> {
  return runStaffAction("manageStaff", async (staff) => {
    const input = inviteSchema.parse({
      email: formData.get("email") ?? "",
      name: formData.get("name") ?? "",
      role: formData.get("role"),
    });
    const { setPasswordLink } = await inviteStaff(input, staff);
    revalidatePath("/admin/staff");
    return {
      status: "ok",
      message: `${input.email} invited.`,
      i18n: { key: "admin.staff.invited", values: { email: input.email } },
      data: { link: setPasswordLink, email: input.email },
    };
  });
}

export async function changeRoleAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  return runStaffAction("manageStaff", async (staff) => {
    const input = z
      .object({ staffId: idSchema, role: roleSchema })
      .parse({ staffId: formData.get("staffId"), role: formData.get("role") });
    await changeStaffRole(input, staff);
    revalidatePath("/admin/staff");
    return {
      status: "ok",
      message: "Role changed; their sessions have ended.",
      i18n: { key: "admin.staff.roleChanged" },
    };
  });
}

export async function disableStaffAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  return runStaffAction("manageStaff", async (staff) => {
    await disableStaff(idSchema.parse(formData.get("staffId")), staff);
    revalidatePath("/admin/staff");
    return { status: "ok", message: "Disabled; their sessions have ended.", i18n: { key: "admin.staff.disabledDone" } };
  });
}

export async function enableStaffAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  return runStaffAction("manageStaff", async (staff) => {
    await enableStaff(idSchema.parse(formData.get("staffId")), staff);
    revalidatePath("/admin/staff");
    return { status: "ok", message: "Enabled.", i18n: { key: "admin.staff.enabledDone" } };
  });
}

export async function passwordLinkAction(
  _previous: ActionState<{ link: string; email: string }>,
  formData: FormData,
): Promise<ActionState<{ link: string; email: string }>> {
  return runStaffAction("manageStaff", async (staff) => {
    const link = await issueSetPasswordLink(idSchema.parse(formData.get("staffId")), staff);
    return {
      status: "ok",
      message: "Set-password link issued.",
      i18n: { key: "admin.staff.linkIssued" },
      data: { link, email: String(formData.get("email") ?? "") },
    };
  });
}
