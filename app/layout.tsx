import type { Metadata, Viewport } from "next";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getTranslations } from "next-intl/server";
import { directionOf, languageOf } from "@/lib/i18n/locales";
import { arabicFont } from "./fonts";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return {
    title: { default: t("siteName"), template: `%s · ${t("siteName")}` },
    description: t("metadata.description"),
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page is rendered per request, so Next can put this request's CSP nonce on its scripts
// (a prerendered page would carry scripts without a nonce, which the policy blocks).
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const [locale, t] = await Promise.all([getLocale(), getTranslations("common")]);
  const language = languageOf(locale);
  return (
    <html lang={language} dir={directionOf(language)} className={arabicFont.variable}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:start-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          {t("skipToContent")}
        </a>
        <NextIntlClientProvider>{children}</NextIntlClientProvider>
      </body>
    </html>
  );
}
