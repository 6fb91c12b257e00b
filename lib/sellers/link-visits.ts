import "server-only";
import { clientIpFrom } from "@/lib/http/client-ip";
import { tooManyAttemptsPage } from "@/lib/noon/pages";
import { addressKey, consumeRateLimits, hashedKey } from "@/lib/rate-limit";
import { localeOfHeaders } from "@/lib/i18n/request-locale";

/** The path of an onboarding link (`/onboard/{token}`), not the result pages under it. */
export const ONBOARDING_LINK_PATH = /^\/onboard\/(?!result$)([^/]+)$/;

/**
 * GET /onboard/{token} is rate-limited per address and per link before the page renders (proxy.ts): the
 * 429 page with Retry-After, or null to go on.
 */
export async function limitOnboardingLinkVisit(headers: Headers, token: string): Promise<Response | null> {
  const verdict = await consumeRateLimits([
    ["onboarding-link-per-address", addressKey(clientIpFrom(headers))],
    ["onboarding-link-per-link", hashedKey("link", token)],
  ]);
  return verdict.allowed ? null : tooManyAttemptsPage(verdict.retryAfterSeconds, localeOfHeaders(headers).language);
}
