import "server-only";
import { z } from "zod";
import { config } from "@/lib/config/env";
import { isSameOrigin } from "@/lib/http/same-origin";
import { log } from "@/lib/log";
import { htmlPage, seeOther } from "@/lib/noon/pages";
import { LOCALES } from "./locales";
import { translator } from "./messages";
import { localeCookie, localeOfRequest } from "./request-locale";

const formSchema = z.object({
  locale: z.enum(LOCALES),
  back: z.string().max(2000).optional(),
});

/**
 * A path on this site to go back to ("/…", never "//host" or "/\host"), percent-encoded so it is a valid
 * Location header; anything else: the home page.
 */
export function safeBackPath(back: string | undefined): string {
  if (!back || !back.startsWith("/") || back.startsWith("//") || back.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f]/.test(back)) return "/";
  const base = "http://back.invalid";
  try {
    const url = new URL(back, base);
    return url.origin === base ? `${url.pathname}${url.search}` : "/";
  } catch {
    return "/";
  }
}

/**
 * POST /api/locale: the language switch. Remembers the choice in a cookie and answers 303 back to the page
 * it came from. Seller pages send `Origin: null` (no-referrer), so then `Sec-Fetch-Site` must say same-origin.
 */
export async function switchLanguage(request: Request): Promise<Response> {
  const ownForm =
    request.headers.get("origin") === "null"
      ? request.headers.get("sec-fetch-site") === "same-origin"
      : isSameOrigin(request);
  const { language } = localeOfRequest(request);
  const t = translator(language, "errors");
  if (!ownForm) {
    log().warn({ origin: request.headers.get("origin") }, "language switch: cross-origin form refused");
    return htmlPage(
      403,
      { title: t("server.crossOrigin.title"), paragraphs: [t("server.badLanguageRequest.text")] },
      {},
      language,
    );
  }
  let form: z.infer<typeof formSchema>;
  try {
    const data = await request.formData();
    if (data.getAll("locale").length !== 1 || data.getAll("back").length > 1) throw new Error("repeated field");
    const back = data.get("back");
    form = formSchema.parse({ locale: data.get("locale"), back: typeof back === "string" ? back : undefined });
  } catch {
    return htmlPage(
      400,
      { title: t("server.badLanguageRequest.title"), paragraphs: [t("server.badLanguageRequest.text")] },
      {},
      language,
    );
  }
  const secure = new URL(config().appUrl).protocol === "https:";
  return seeOther(safeBackPath(form.back), localeCookie(form.locale, secure));
}
