import Link from "next/link";
import { useTranslations } from "next-intl";
import { LanguageSwitch } from "@/components/i18n/language-switch";

export default function HomePage() {
  const t = useTranslations("home");
  return (
    <>
      <header className="mx-auto flex max-w-2xl justify-end px-4 pt-4">
        <LanguageSwitch />
      </header>
      <main id="main" className="mx-auto max-w-2xl px-4 py-12 sm:py-20">
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="mt-4 text-lg text-slate-700">{t("intro")}</p>
        <ul className="mt-8 space-y-3 text-slate-700">
          <li>
            {t.rich("sellers", {
              strong: (chunks) => <strong className="font-semibold text-slate-900">{chunks}</strong>,
              em: (chunks) => <em>{chunks}</em>,
            })}
          </li>
          <li>
            {t.rich("staff", {
              strong: (chunks) => <strong className="font-semibold text-slate-900">{chunks}</strong>,
            })}
          </li>
        </ul>
        <p className="mt-10">
          <Link
            href="/admin"
            className="inline-flex items-center rounded-md bg-brand-700 px-4 py-2.5 font-medium text-white hover:bg-brand-800"
          >
            {t("signIn")}
          </Link>
        </p>
      </main>
    </>
  );
}
