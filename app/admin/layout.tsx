import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { currentStaff } from "@/lib/auth/guard";
import { signOutAction } from "@/app/admin/sign-in/actions";
import { AdminNav } from "@/components/admin/nav";
import { SubmitButton } from "@/components/ui/button";
import { Ident } from "@/components/i18n/ident";
import { LanguageSwitch } from "@/components/i18n/language-switch";

// The frame of the dashboard. It does not authorize anything itself: every page checks its own
// permission (lib/auth/guard.ts); anonymous visitors (the sign-in page) see no navigation.
// Bound to null: every action takes (previous, form), the shape proxy.ts checks (lib/http/action-request.ts).
const signOut = signOutAction.bind(null, null);

export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const [staff, t] = await Promise.all([currentStaff(), getTranslations("admin.layout")]);
  const signOutForm = (
    <form action={signOut}>
      <SubmitButton variant="secondary" pendingLabel={t("signingOut")}>
        {t("signOut")}
      </SubmitButton>
    </form>
  );
  return (
    <div className="min-h-screen">
      {staff && (
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl flex-col gap-2 px-4 py-3 md:flex-row md:items-center md:justify-between">
            <div className="flex items-center justify-between gap-4">
              <Link href="/admin" className="font-semibold text-slate-900">
                {t("home")}
              </Link>
              <div className="flex items-center gap-2 md:hidden">
                <LanguageSwitch />
                {signOutForm}
              </div>
            </div>
            {/* Until a required password change is done, nothing else opens: no navigation to offer. */}
            {!staff.mustChangePassword && <AdminNav role={staff.role} />}
            <div className="hidden items-center gap-3 md:flex">
              <p className="text-sm text-slate-700">
                {t.rich("signedInAs", {
                  email: staff.email,
                  role: t(`roles.${staff.role}`),
                  hidden: (chunks) => <span className="sr-only">{chunks}</span>,
                  ident: (chunks) => <Ident className="">{chunks}</Ident>,
                })}
              </p>
              <LanguageSwitch />
              <Link href="/admin/account/password" className="text-sm text-brand-800 underline underline-offset-2">
                {t("password")}
              </Link>
              {signOutForm}
            </div>
          </div>
        </header>
      )}
      {staff ? (
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          {children}
        </main>
      ) : (
        <>
          <div className="mx-auto flex max-w-6xl justify-end px-4 pt-4">
            <LanguageSwitch />
          </div>
          {children}
        </>
      )}
    </div>
  );
}
