import "server-only";
import { z } from "zod";
import { clientIpFrom } from "@/lib/http/client-ip";
import { isSameOrigin } from "@/lib/http/same-origin";
import { log } from "@/lib/log";
import { addressKey, consumeRateLimit } from "@/lib/rate-limit";
import { localeCookie, localeOfRequest } from "@/lib/i18n/request-locale";
import { translator } from "@/lib/i18n/messages";
import { DEFAULT_LOCALE, LOCALE_COOKIE, type Locale } from "@/lib/i18n/locales";
import { cookieValue } from "@/lib/i18n/negotiate";
import { isOnboardingLinkActive, resolveOnboardingLink } from "@/lib/sellers";
import { startAuthorization } from "./authorizations";
import { resolveDeps, type NoonDeps } from "./deps";
import { htmlPage, seeOther, tooManyAttemptsPage } from "./pages";
import { readSellerSession, sellerSessionCookie, type SellerSession } from "./session";

const formSchema = z.object({ link: z.string().max(100).optional() });

/**
 * The form must come from our own pages. Our seller pages use `Referrer-Policy: no-referrer` (the link
 * token is in their URL), so browsers send `Origin: null` for their form posts; then the browser's own
 * `Sec-Fetch-Site` (which pages cannot forge) must say same-origin.
 */
export function isOwnSellerForm(request: Request): boolean {
  if (request.headers.get("origin") === "null") return request.headers.get("sec-fetch-site") === "same-origin";
  return isSameOrigin(request);
}

/**
 * The authorization URL: NOON_AUTHORIZE_URL?client_id=…&state=… (the redirect URI is registered with Noon),
 * plus `ui_locales` (OpenID Connect's name for the page language) when the seller's is not English: Noon's
 * documentation names only client_id and state, and an OAuth server ignores parameters it does not know;
 * the Noon simulator shows its consent page in that language.
 */
export function authorizationUrl({
  authorizeUrl,
  clientId,
  state,
  language,
}: {
  authorizeUrl: string;
  clientId: string;
  state: string;
  language?: Locale;
}): string {
  const url = new URL(authorizeUrl);
  url.searchParams.set("client_id", clientId);
  url.searchParams.set("state", state);
  if (language && language !== DEFAULT_LOCALE) url.searchParams.set("ui_locales", language);
  return url.toString();
}

/**
 * POST /api/noon/connect: the seller clicked Connect Noon account. Checks that the form came from our
 * own page and the rate limits (per address, per seller: 429 page with Retry-After), finds the seller (the link token in the form, or the seller of this browser's session),
 * records a new authorization with a fresh state, seals the state into the session cookie, and
 * answers 303 to Noon's authorization page.
 */
export async function startSellerConnect(request: Request, deps: NoonDeps = {}): Promise<Response> {
  const { noon, now } = resolveDeps(deps);
  const { language } = localeOfRequest(request);
  const t = translator(language, "errors");
  const problemPage = (
    status: number,
    key: "crossOrigin" | "noonNotConfigured" | "badConnectRequest" | "unknownSeller",
  ) => htmlPage(status, { title: t(`server.${key}.title`), paragraphs: [t(`server.${key}.text`)] }, {}, language);
  if (!isOwnSellerForm(request)) {
    log().warn({ origin: request.headers.get("origin") }, "noon connect: cross-origin form refused");
    return problemPage(403, "crossOrigin");
  }
  if (!noon) return problemPage(503, "noonNotConfigured");
  const perAddress = await consumeRateLimit("noon-connect-per-address", addressKey(clientIpFrom(request.headers)));
  if (!perAddress.allowed) return tooManyAttemptsPage(perAddress.retryAfterSeconds, language);
  let form: z.infer<typeof formSchema>;
  try {
    const data = await request.formData();
    const link = data.getAll("link");
    if (link.length > 1) throw new Error("link repeated");
    form = formSchema.parse({ link: typeof link[0] === "string" ? link[0] : undefined });
  } catch {
    return problemPage(400, "badConnectRequest");
  }

  const session = await readSellerSession(request.headers.get("cookie"));
  let who: Pick<SellerSession, "sellerId" | "linkId"> | null = null;
  // The language operations gave the link becomes this browser's, unless the seller chose one already,
  // so Noon's page (when it reads it) and the result page keep it.
  let languageCookie: string | null = null;
  let sellerLanguage = language;
  if (form.link) {
    const resolved = await resolveOnboardingLink(form.link, { now: now() });
    if (!resolved.ok) return seeOther(`/onboard/${encodeURIComponent(form.link)}`);
    who = { sellerId: resolved.seller.id, linkId: resolved.linkId };
    if (resolved.locale && !cookieValue(request.headers.get("cookie"), LOCALE_COOKIE)) {
      languageCookie = localeCookie(resolved.locale, new URL(request.url).protocol === "https:");
      sellerLanguage = resolved.locale;
    }
  } else if (session && (await isOnboardingLinkActive(session.linkId, now()))) {
    // "Try again" from a result page: the browser's session names the seller and its (still valid) link.
    who = { sellerId: session.sellerId, linkId: session.linkId };
  }
  if (!who) return problemPage(400, "unknownSeller");

  // Each click starts an authorization (a row, a timeline): bounded per seller as well.
  const perSeller = await consumeRateLimit("noon-connect-per-seller", `seller:${who.sellerId}`);
  if (!perSeller.allowed) return tooManyAttemptsPage(perSeller.retryAfterSeconds, language);
  const started = await startAuthorization({ sellerId: who.sellerId, now: now() });
  log().info(
    { authorizationId: started.authorizationId, reference: started.reference, sellerId: who.sellerId },
    "noon authorization started",
  );
  const cookie = await sellerSessionCookie({
    ...who,
    pending: { authorizationId: started.authorizationId, state: started.state },
  });
  return seeOther(
    authorizationUrl({
      authorizeUrl: noon.authorizeUrl,
      clientId: noon.clientId,
      state: started.state,
      language: sellerLanguage,
    }),
    languageCookie ? [cookie, languageCookie] : cookie,
  );
}
