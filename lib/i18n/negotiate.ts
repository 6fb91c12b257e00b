// Which language (and, for Arabic, which region's formatting) a request gets. Pure: no Next, no database.
import { ARABIC_REGIONS, DEFAULT_LOCALE, isLocale, type Locale } from "./locales";

export type LanguageRange = { tag: string; q: number };

/** The ranges of an Accept-Language header, best first (q=0 and malformed ranges dropped). */
export function parseAcceptLanguage(header: string | null | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: (LanguageRange & { order: number })[] = [];
  for (const [order, part] of header.slice(0, 1000).split(",").entries()) {
    const [rawTag, ...params] = part.trim().split(";");
    const tag = rawTag?.trim().toLowerCase() ?? "";
    if (!/^(?:[a-z]{1,8}(?:-[a-z0-9]{1,8})*|\*)$/.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (m?.[1]) q = Number(m[1]);
    }
    if (q > 0 && q <= 1) ranges.push({ tag, q, order });
  }
  return ranges.sort((a, b) => b.q - a.q || a.order - b.order).map(({ tag, q }) => ({ tag, q }));
}

/** The best of our languages an Accept-Language header asks for, or null when it names none of them. */
export function languageFromAcceptLanguage(header: string | null | undefined): Locale | null {
  for (const { tag } of parseAcceptLanguage(header)) {
    const base = tag.split("-")[0];
    if (isLocale(base)) return base;
  }
  return null;
}

/**
 * The locale dates and numbers are formatted in: "en-GB" for English (day before month, 24-hour clock, as
 * in the Gulf and Egypt), or "ar-AE" / "ar-SA" / "ar-EG" taken from the first Arabic range of
 * Accept-Language that names one of those regions (default ar-AE).
 */
export function formattingLocale(language: Locale, acceptLanguage: string | null | undefined): string {
  if (language === "en") return "en-GB";
  if (language !== "ar") return language;
  for (const { tag } of parseAcceptLanguage(acceptLanguage)) {
    const [base, region] = tag.split("-");
    const upper = region?.toUpperCase();
    if (base === "ar" && upper && (ARABIC_REGIONS as readonly string[]).includes(upper)) return `ar-${upper}`;
  }
  return `ar-${ARABIC_REGIONS[0]}`;
}

/**
 * The language of a request: the person's own choice (the cookie the language switch sets) first, then
 * the language operations gave the seller's onboarding link, then Accept-Language, then English.
 * The link's language is also written into the cookie when the seller connects (lib/noon/connect.ts),
 * so the result pages and Noon's consent page keep it; the switch always overrides it.
 */
export function chooseLanguage(input: {
  cookie?: string | null;
  linkLocale?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (isLocale(input.cookie)) return input.cookie;
  if (isLocale(input.linkLocale)) return input.linkLocale;
  return languageFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE;
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
