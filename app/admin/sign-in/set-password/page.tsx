import type { Metadata } from "next";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { SetPasswordForm } from "@/components/admin/set-password-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.account.setPassword");
  return { title: t("title"), referrer: "no-referrer" };
}

// Reached through the one-time link an admin sends; the link's token is in the URL fragment.
export default function SetPasswordPage() {
  const t = useTranslations("admin.account.setPassword");
  return (
    <main id="main" className="mx-auto flex min-h-[80vh] max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="mt-2 mb-6 text-slate-700">{t("intro")}</p>
      <SetPasswordForm minLength={MIN_PASSWORD_LENGTH} />
    </main>
  );
}
