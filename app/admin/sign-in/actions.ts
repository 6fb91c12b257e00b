"use server";
import { AuthError, CredentialsSignin } from "next-auth";
import { LockedOut, signIn, signOut } from "@/lib/auth/next-auth";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { SSO_PROVIDER_ID, ssoEnabled } from "@/lib/auth/sso";
import type { MessageRef } from "@/lib/auth/action";

/** `error`: a message of admin.signIn.errors (the form shows it in the page's language). */
export type SignInState = { error: MessageRef | null; email: string };

/** Signs a staff member in with e-mail and password; on success next-auth redirects to the callback URL. */
export async function signInAction(_previous: SignInState, formData: FormData): Promise<SignInState> {
  const email = String(formData.get("email") ?? "").slice(0, 254);
  try {
    await signIn("credentials", {
      email,
      password: String(formData.get("password") ?? ""),
      redirectTo: safeCallbackUrl(formData.get("callbackUrl")),
    });
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === "locked") {
      const seconds = error instanceof LockedOut ? error.retryAfterSeconds : null;
      return { email, error: lockedMessage(seconds) };
    }
    if (error instanceof AuthError) return { email, error: { key: "admin.signIn.errors.CredentialsSignin" } };
    throw error; // Next's redirect after a successful sign-in
  }
  return { email, error: null };
}

function lockedMessage(seconds: number | null): MessageRef {
  if (!seconds) return { key: "admin.signIn.errors.locked" };
  if (seconds < 60) return { key: "admin.signIn.errors.lockedSeconds", values: { seconds } };
  return { key: "admin.signIn.errors.lockedMinutes", values: { minutes: Math.ceil(seconds / 60) } };
}

/** Starts single sign-on (when OIDC_ISSUER is configured): next-auth redirects to the provider. */
export async function signInWithSsoAction(_previous: null, formData: FormData): Promise<void> {
  if (!ssoEnabled()) return;
  await signIn(SSO_PROVIDER_ID, { redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
}

/** Ends the session (the sign-out is audited by next-auth's signOut event). */
export async function signOutAction(_previous: null, _formData: FormData): Promise<void> {
  await signOut({ redirectTo: "/admin/sign-in" });
}
