"use client";
import { useTranslations } from "next-intl";
import { Ident } from "@/components/i18n/ident";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("errors.page");
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mt-3 text-slate-700">
        {error.digest
          ? t.rich("textWithReference", { reference: error.digest, ident: (chunks) => <Ident>{chunks}</Ident> })
          : t("text")}
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-6 inline-flex min-h-10 items-center rounded-md bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-800"
      >
        {t("tryAgain")}
      </button>
    </main>
  );
}
