"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientIpFrom } from "@/lib/auth/client-ip";
import { setPasswordWithToken } from "@/lib/staff";

export type SetPasswordState = { error: string | null };

/** Sets a staff member's password through their one-time link (the token is the authorization). */
export async function setPasswordAction(_previous: SetPasswordState, formData: FormData): Promise<SetPasswordState> {
  const token = String(formData.get("token") ?? "");
  const password = String(formData.get("password") ?? "");
  if (password !== String(formData.get("confirm") ?? "")) return { error: "The two passwords differ." };
  const result = await setPasswordWithToken({ token, password, ip: clientIpFrom(await headers()) });
  if (!result.ok) {
    return {
      error:
        result.error.kind === "weak-password"
          ? result.error.message
          : "This link is no longer valid (used, expired or replaced). Ask an admin for a new one.",
    };
  }
  redirect("/admin/sign-in?passwordSet=1");
}
