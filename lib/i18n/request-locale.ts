import "server-only";
import { db } from "@/lib/db/client";
import { ONBOARDING_LINK_PATH } from "@/lib/sellers/link-visits";
import { hashLinkToken } from "@/lib/sellers/links";
import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE, type Locale } from "./locales";
import { chooseLanguage, cookieValue, formattingLocale } from "./negotiate";

export type RequestLocale = {
  /** The catalogue's language: what `<html lang>` says. */
  language: Locale;
  /** What dates and numbers are formatted in: en, ar-AE, ar-SA or ar-EG. */
  formatLocale: string;
};

/** The language an onboarding link was given by operations (null: none, or not a link we know). */
export async function onboardingLinkLocale(token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const link = await db().onboardingLink.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: { locale: true },
  });
  return link?.locale ?? null;
}

/**
 * The language of a request from its headers: the cookie, the onboarding link in its path (when it is
 * an onboarding link page), Accept-Language.
 */
export async function localeFromHeaders(headers: Headers, path?: string | null): Promise<RequestLocale> {
  const cookie = cookieValue(headers.get("cookie"), LOCALE_COOKIE);
  const acceptLanguage = headers.get("accept-language");
  const token = path ? ONBOARDING_LINK_PATH.exec(path.split("?")[0] ?? "")?.[1] : undefined;
  const linkLocale = token && !cookie ? await onboardingLinkLocale(token) : null;
  const language = chooseLanguage({ cookie, linkLocale, acceptLanguage });
  return { language, formatLocale: formattingLocale(language, acceptLanguage) };
}

/** The language of a route handler's request (no onboarding link involved). */
export function localeOfRequest(request: Request): RequestLocale {
  return localeOfHeaders(request.headers);
}

/** The language of a request from its cookie and Accept-Language (no onboarding link involved). */
export function localeOfHeaders(headers: Headers): RequestLocale {
  const cookie = cookieValue(headers.get("cookie"), LOCALE_COOKIE);
  const acceptLanguage = headers.get("accept-language");
  const language = chooseLanguage({ cookie, acceptLanguage });
  return { language, formatLocale: formattingLocale(language, acceptLanguage) };
}

/** Set-Cookie for a language choice: a year, the whole site, readable by the server only. */
export function localeCookie(language: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${language}; Path=/; Max-Age=${LOCALE_COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly${secure ? "; Secure" : ""}`;
}
