"use server";
import { redirect } from "next/navigation";
import { currentStaff } from "@/lib/auth/guard";
import { changeOwnPassword } from "@/lib/staff";

export type ChangePasswordState = { error: string | null; code?: "UNAUTHENTICATED" };

/** The signed-in member changes their own password; every session of theirs ends, so they sign in again. */
export async function changePasswordAction(
  _previous: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  const staff = await currentStaff();
  if (!staff) return { error: "Your session has ended: sign in again.", code: "UNAUTHENTICATED" };
  const current = String(formData.get("current") ?? "");
  const next = String(formData.get("password") ?? "");
  if (next !== String(formData.get("confirm") ?? "")) return { error: "The two new passwords differ." };
  const result = await changeOwnPassword(staff, { current, next });
  if (!result.ok) {
    switch (result.error.kind) {
      case "wrong-current":
        return { error: "Your current password is not right." };
      case "throttled":
        return {
          error: `Too many attempts: wait ${Math.ceil(result.error.retryAfterSeconds / 60)} minute(s), then try again.`,
        };
      case "weak-password":
        return { error: result.error.message };
      case "same-password":
        return { error: "Choose a password different from the current one." };
      case "no-password":
        return { error: "This account signs in through single sign-on and has no password here." };
    }
  }
  redirect("/admin/sign-in?passwordChanged=1");
}
