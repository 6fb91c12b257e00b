import Link from "next/link";
import { useTranslations } from "next-intl";
import { LanguageSwitch } from "@/components/i18n/language-switch";

export default function NotFound() {
  const t = useTranslations("errors.notFound");
  return (
    <>
      <header className="mx-auto flex max-w-xl justify-end px-4 pt-4">
        <LanguageSwitch />
      </header>
      <main id="main" className="mx-auto max-w-xl px-4 py-12">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-3 text-slate-700">{t("text")}</p>
        <p className="mt-6">
          <Link href="/" className="font-medium text-brand-700 underline">
            {t("home")}
          </Link>
        </p>
      </main>
    </>
  );
}
