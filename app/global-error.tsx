"use client";
import { createTranslator } from "next-intl";
import { CATALOGUES } from "@/lib/i18n/messages";
import { directionOf, LOCALES } from "@/lib/i18n/locales";

// Replaces the root layout when it fails itself, so it brings its own <html> and <body>, and cannot know
// the language (the layout that finds it failed): it says the same thing in every language.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body
        style={{
          fontFamily: "system-ui, sans-serif",
          margin: "4rem auto",
          maxWidth: "36rem",
          padding: "0 1rem",
          color: "#0f172a",
        }}
      >
        <main id="main">
          {LOCALES.map((locale) => {
            const t = createTranslator({ locale, messages: CATALOGUES[locale], namespace: "errors.page" });
            return (
              <section key={locale} lang={locale} dir={directionOf(locale)} style={{ marginBottom: "2rem" }}>
                <h1>{t("title")}</h1>
                <p>
                  {error.digest
                    ? t.rich("textWithReference", {
                        reference: error.digest,
                        ident: (chunks) => <bdi dir="ltr">{chunks}</bdi>,
                      })
                    : t("text")}
                </p>
                <button type="button" onClick={reset}>
                  {t("tryAgain")}
                </button>
              </section>
            );
          })}
        </main>
      </body>
    </html>
  );
}
