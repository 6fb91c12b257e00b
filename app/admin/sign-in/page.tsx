import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentStaff } from "@/lib/auth/guard";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { SignInForm } from "@/components/admin/sign-in-form";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { SSO_REFUSAL_MESSAGES, ssoEnabled, ssoRefusalCode, type SsoRefusal } from "@/lib/auth/sso";
import { signInWithSsoAction } from "@/app/admin/sign-in/actions";

export const metadata: Metadata = { title: "Staff sign-in" };

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That e-mail and password do not match an active staff account.",
  locked:
    "Too many attempts: sign-in is locked for a while. Each further failure doubles the wait (at most 15 minutes).",
  AccessDenied: "This account may not sign in.",
  ...Object.fromEntries(
    Object.entries(SSO_REFUSAL_MESSAGES).map(([reason, message]) => [ssoRefusalCode(reason as SsoRefusal), message]),
  ),
};

// Bound to null: every action takes (previous, form), the shape proxy.ts checks (lib/http/action-request.ts).
const ssoAction = signInWithSsoAction.bind(null, null);

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentStaff()) redirect(callbackUrl);
  const code = typeof params.code === "string" ? params.code : typeof params.error === "string" ? params.error : null;
  const initialError = code ? (ERRORS[code] ?? "Sign-in failed. Try again.") : null;
  return (
    <main id="main" className="mx-auto flex min-h-[80vh] max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">Staff sign-in</h1>
      <p className="mt-2 mb-6 text-slate-700">Sign in with your staff e-mail and password.</p>
      {params.passwordChanged === "1" && (
        <div className="mb-4">
          <Alert tone="success">Your password is changed: sign in with the new one.</Alert>
        </div>
      )}
      {params.passwordSet === "1" && (
        <div className="mb-4">
          <Alert tone="success">Your password is set: sign in with it now.</Alert>
        </div>
      )}
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
      {ssoEnabled() && (
        <form action={ssoAction} className="mt-6 border-t border-slate-200 pt-6">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <SubmitButton variant="secondary" pendingLabel="Redirecting…" className="w-full">
            Sign in with single sign-on
          </SubmitButton>
        </form>
      )}
    </main>
  );
}
