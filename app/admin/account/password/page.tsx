import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireSignedIn } from "@/lib/auth/guard";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { ChangePasswordForm } from "@/components/admin/change-password-form";
import { Alert } from "@/components/ui/alert";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.account.changePassword");
  return { title: t("title") };
}

// Any signed-in member; the one place a member who must choose a new password (the bootstrap admin at
// first sign-in) can reach until they have.
export default async function ChangePasswordPage() {
  const [staff, t] = await Promise.all([requireSignedIn(), getTranslations("admin.account.changePassword")]);
  return (
    <div className="mx-auto max-w-sm py-6">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      {staff.mustChangePassword ? (
        <div className="mt-4">
          <Alert tone="info">{t("mustChange")}</Alert>
        </div>
      ) : (
        <p className="mt-2 text-slate-700">{t("intro")}</p>
      )}
      <div className="mt-6">
        <ChangePasswordForm minLength={MIN_PASSWORD_LENGTH} />
      </div>
    </div>
  );
}
