import Link from "next/link";
import { useTranslations } from "next-intl";

export default function Forbidden() {
  const t = useTranslations("errors.forbidden");
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mt-3 text-slate-700">{t("text")}</p>
      <p className="mt-6">
        <Link href="/admin" className="font-medium text-brand-700 underline">
          {t("back")}
        </Link>
      </p>
    </main>
  );
}
