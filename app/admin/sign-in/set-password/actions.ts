"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientIpFrom } from "@/lib/http/client-ip";
import { setPasswordWithToken } from "@/lib/staff";
import type { MessageRef } from "@/lib/auth/action";

/** `error`: the English text (English pages show it; it names what makes a password weak) and its code. */
export type SetPasswordState = { error: string | null; i18n?: MessageRef };

/** Sets a staff member's password through their one-time link (the token is the authorization). */
export async function setPasswordAction(_previous: SetPasswordState, formData: FormData): Promise<SetPasswordState> {
  const token = String(formData.get("token") ?? "");
  const password = String(formData.get("password") ?? "");
  if (password !== String(formData.get("confirm") ?? ""))
    return { error: "The two passwords differ.", i18n: { key: "admin.account.errors.differ" } };
  const result = await setPasswordWithToken({ token, password, ip: clientIpFrom(await headers()) });
  if (!result.ok) {
    return result.error.kind === "weak-password"
      ? { error: result.error.message }
      : {
          error: "This link is no longer valid (used, expired or replaced). Ask an admin for a new one.",
          i18n: { key: "admin.account.errors.invalidLink" },
        };
  }
  redirect("/admin/sign-in?passwordSet=1");
}
