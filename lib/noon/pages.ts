import "server-only";
import { directionOf, type Locale } from "@/lib/i18n/locales";
import { translator } from "@/lib/i18n/messages";
import { SELLER_ROUTE_CONTENT_SECURITY_POLICY } from "@/lib/auth/security-headers";

// Small self-contained HTML answers of the Noon route handlers (rejected callbacks, refused forms).
// Nothing is loaded from anywhere: inline styles only, and a CSP that forbids everything else.

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** Headers for every seller-facing answer: never cached, never leaks the URL as a Referer. */
export const SELLER_PAGE_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** A whole page in `language` (its texts already translated by the caller; the frame's from the catalogue). */
export function htmlPage(
  status: number,
  page: { title: string; paragraphs: string[]; reference?: string },
  extraHeaders: Record<string, string> = {},
  language: Locale = "en",
): Response {
  const t = translator(language, "common");
  const reference = page.reference
    ? t.markup("referenceForSupport", {
        reference: escape(page.reference),
        ident: (chunks) => `<bdi dir="ltr"><code>${chunks}</code></bdi>`,
      })
    : "";
  const body = `<!doctype html>
<html lang="${language}" dir="${directionOf(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escape(page.title)} · ${escape(t("siteName"))}</title>
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0}main{max-width:36rem;margin:0 auto;padding:3rem 1rem}h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.5;color:#334155}code{background:#e2e8f0;padding:.1rem .3rem;border-radius:.2rem;color:#0f172a}</style>
</head><body><main id="main"><h1>${escape(page.title)}</h1>
${page.paragraphs.map((p) => `<p>${escape(p)}</p>`).join("\n")}
${reference ? `<p>${reference}</p>` : ""}
</main></body></html>`;
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": SELLER_ROUTE_CONTENT_SECURITY_POLICY,
      ...SELLER_PAGE_HEADERS,
      ...extraHeaders,
    },
  });
}

/** 429 with Retry-After: a seller (or someone with their link) sent too many requests in a short time. */
export function tooManyAttemptsPage(retryAfterSeconds: number, language: Locale = "en"): Response {
  const t = translator(language, "errors");
  return htmlPage(
    429,
    {
      title: t("server.tooManyAttempts.title"),
      paragraphs: [
        t("server.tooManyAttempts.text", { wait: waitFor(retryAfterSeconds, language) }),
        t("server.tooManyAttempts.help"),
      ],
    },
    { "retry-after": String(retryAfterSeconds) },
    language,
  );
}

/** "2 minutes" / "45 seconds" (in the seller's language): how long to wait. */
export function waitFor(seconds: number, language: Locale): string {
  const t = translator(language, "common");
  return seconds < 90 ? t("waitSeconds", { seconds }) : t("waitMinutes", { minutes: Math.ceil(seconds / 60) });
}

/** 303 See Other with the seller-page headers (and optional Set-Cookie). */
export function seeOther(location: string, setCookie?: string | string[]): Response {
  const headers = new Headers({ location, ...SELLER_PAGE_HEADERS });
  for (const cookie of typeof setCookie === "string" ? [setCookie] : (setCookie ?? []))
    headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}
