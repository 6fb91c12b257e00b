"use server";
import { AuthError, CredentialsSignin } from "next-auth";
import { LockedOut, signIn, signOut } from "@/lib/auth/next-auth";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { SSO_PROVIDER_ID, ssoEnabled } from "@/lib/auth/sso";

export type SignInState = { error: string | null; email: string };

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
      return {
        email,
        error: `Too many attempts: sign-in is locked for ${seconds ? waitText(seconds) : "a few minutes"}. Each further failure doubles the wait (at most 15 minutes).`,
      };
    }
    if (error instanceof AuthError)
      return { email, error: "That e-mail and password do not match an active staff account." };
    throw error; // Next's redirect after a successful sign-in
  }
  return { email, error: null };
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
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
