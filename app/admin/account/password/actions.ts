"use server";
import { redirect } from "next/navigation";
import { currentStaff } from "@/lib/auth/guard";
import { changeOwnPassword } from "@/lib/staff";
import type { MessageRef } from "@/lib/auth/action";

/** `error`: the English text (English pages show it; it names what makes a password weak) and its code. */
export type ChangePasswordState = { error: string | null; i18n?: MessageRef; code?: "UNAUTHENTICATED" };

const fail = (error: string, key: string, values?: MessageRef["values"]): ChangePasswordState => ({
  error,
  i18n: { key: `admin.account.errors.${key}` as MessageRef["key"], ...(values ? { values } : {}) },
});

/** The signed-in member changes their own password; every session of theirs ends, so they sign in again. */
export async function changePasswordAction(
  _previous: ChangePasswordState,
  formData: FormData,
): Promise<ChangePasswordState> {
  const staff = await currentStaff();
  if (!staff) return { ...fail("Your session has ended: sign in again.", "sessionEnded"), code: "UNAUTHENTICATED" };
  const current = String(formData.get("current") ?? "");
  const next = String(formData.get("password") ?? "");
  if (next !== String(formData.get("confirm") ?? "")) return fail("The two new passwords differ.", "differ");
  const result = await changeOwnPassword(staff, { current, next });
  if (!result.ok) {
    switch (result.error.kind) {
      case "wrong-current":
        return fail("Your current password is not right.", "wrongCurrent");
      case "throttled": {
        const minutes = Math.ceil(result.error.retryAfterSeconds / 60);
        return fail(`Too many attempts: wait ${minutes} minute(s), then try again.`, "throttled", { minutes });
      }
      case "weak-password":
        return { error: result.error.message };
      case "same-password":
        return fail("Choose a password different from the current one.", "samePassword");
      case "no-password":
        return fail("This account signs in through single sign-on and has no password here.", "noPassword");
    }
  }
  redirect("/admin/sign-in?passwordChanged=1");
}
