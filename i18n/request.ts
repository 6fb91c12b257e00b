// next-intl's per-request configuration (found by the plugin in next.config.mjs): no locale in the URL;
// the language comes from the cookie, the onboarding link or Accept-Language (lib/i18n/request-locale.ts).
import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { messagesFor } from "@/lib/i18n/messages";
import { localeFromHeaders } from "@/lib/i18n/request-locale";
import { FORMATS, TIME_ZONE } from "@/lib/i18n/formats";

export default getRequestConfig(async () => {
  const requestHeaders = await headers();
  const { language, formatLocale } = await localeFromHeaders(requestHeaders, requestHeaders.get("x-request-path"));
  return {
    // The formatting locale (en, ar-AE, ar-SA, ar-EG): useFormatter() follows its region; the messages are
    // the language's.
    locale: formatLocale,
    messages: messagesFor(language),
    timeZone: TIME_ZONE,
    formats: FORMATS,
  };
});
