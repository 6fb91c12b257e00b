import { headers } from "next/headers";
import { getLocale, getTranslations } from "next-intl/server";
import { languageOf, LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";

/**
 * The language switch: a plain form that posts the choice to /api/locale, which remembers it in a cookie
 * and sends the browser back to this page (works without JavaScript). Each language is named in itself.
 */
export async function LanguageSwitch({ className = "" }: { className?: string }) {
  const [t, locale, requestHeaders] = await Promise.all([
    getTranslations("common.languageSwitch"),
    getLocale(),
    headers(),
  ]);
  const current = languageOf(locale);
  const back = requestHeaders.get("x-request-path") ?? "/";
  return (
    <form
      method="post"
      action="/api/locale"
      aria-label={t("label")}
      className={`flex items-center gap-2 text-sm ${className}`}
    >
      <input type="hidden" name="back" value={back} />
      {LOCALES.filter((l) => l !== current).map((l) => (
        <button
          key={l}
          type="submit"
          name="locale"
          value={l}
          lang={l}
          title={t("switchTo", { language: LOCALE_NAMES[l] })}
          className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 hover:bg-slate-100"
        >
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </form>
  );
}
