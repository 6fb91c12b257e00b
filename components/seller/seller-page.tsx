import { useTranslations } from "next-intl";
import { LanguageSwitch } from "@/components/i18n/language-switch";

/** The frame of every seller-facing page: narrow, readable on a 375 px phone, no third-party content. */
export function SellerPage({ title, children }: { title: React.ReactNode; children: React.ReactNode }) {
  const t = useTranslations("common");
  return (
    <>
      <header className="mx-auto flex max-w-xl items-center justify-between gap-4 px-4 pt-4">
        <p className="text-sm font-medium uppercase tracking-wide text-slate-600">{t("siteName")}</p>
        <LanguageSwitch />
      </header>
      <main id="main" className="mx-auto max-w-xl px-4 py-8 sm:py-12">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{title}</h1>
        <div className="mt-6 space-y-6 text-slate-700">{children}</div>
      </main>
    </>
  );
}
