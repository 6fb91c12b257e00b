// The languages of the interface and how each is written. Safe for client components (no server code).

/** Every language with a catalogue in messages/<locale>.json; the first is the default. */
export const LOCALES = ["en", "ar"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/** The cookie that remembers a person's choice (the language switch, or the onboarding link's language). */
export const LOCALE_COOKIE = "NEXT_LOCALE";
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

/** Each language's name in itself, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", ar: "العربية" };

const RTL: ReadonlySet<Locale> = new Set<Locale>(["ar"]);

/** The regions whose conventions (digits, dates) Arabic formatting follows; the first is the default. */
export const ARABIC_REGIONS = ["AE", "SA", "EG"] as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The text direction of a language (or of a formatting locale such as ar-EG). */
export function directionOf(locale: string): "ltr" | "rtl" {
  return RTL.has(languageOf(locale)) ? "rtl" : "ltr";
}

/** The language of a formatting locale: "ar-EG" → "ar"; anything unknown → the default. */
export function languageOf(locale: string): Locale {
  const base = locale.split("-")[0]?.toLowerCase();
  return isLocale(base) ? base : DEFAULT_LOCALE;
}
