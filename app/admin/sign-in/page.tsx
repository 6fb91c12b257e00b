import type { MessageRef } from "@/lib/i18n/message-ref";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { currentStaff } from "@/lib/auth/guard";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { SignInForm } from "@/components/admin/sign-in-form";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { SSO_REFUSAL_MESSAGES, ssoEnabled, ssoRefusalCode, type SsoRefusal } from "@/lib/auth/sso";
import { signInWithSsoAction } from "@/app/admin/sign-in/actions";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.signIn");
  return { title: t("title") };
}

/** The codes next-auth and the sign-in flow put in `?code=`/`?error=`, each a message of admin.signIn.errors. */
const CODES = new Set<string>([
  "CredentialsSignin",
  "locked",
  "AccessDenied",
  ...Object.keys(SSO_REFUSAL_MESSAGES).map((reason) => ssoRefusalCode(reason as SsoRefusal)),
]);

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
  const t = await getTranslations("admin.signIn");
  const initialError = code
    ? { key: `admin.signIn.errors.${CODES.has(code) ? code : "other"}` as MessageRef["key"] }
    : null;
  return (
    <main id="main" className="mx-auto flex min-h-[80vh] max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-2 mb-6 text-slate-700">{t("intro")}</p>
      {params.passwordChanged === "1" && (
        <div className="mb-4">
          <Alert tone="success">{t("passwordChanged")}</Alert>
        </div>
      )}
      {params.passwordSet === "1" && (
        <div className="mb-4">
          <Alert tone="success">{t("passwordSet")}</Alert>
        </div>
      )}
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
      {ssoEnabled() && (
        <form action={ssoAction} className="mt-6 border-t border-slate-200 pt-6">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <SubmitButton variant="secondary" pendingLabel={t("redirecting")} className="w-full">
            {t("sso")}
          </SubmitButton>
        </form>
      )}
    </main>
  );
}
