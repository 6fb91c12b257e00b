// Runs before every request: security headers with a per-request CSP nonce on every response, the
// rolling inactivity expiry of staff sessions, an early redirect of anonymous visitors of /admin, and the
// rate limit of onboarding links (a page cannot answer 429 itself).
// Authorization itself happens again in every page, action and route handler (lib/auth/guard.ts).
import NextAuth from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "@/lib/config/env";
import { baseAuthConfig } from "@/lib/auth/session-policy";
import { contentSecurityPolicy, securityHeaders } from "@/lib/auth/security-headers";
import { limitOnboardingLinkVisit, ONBOARDING_LINK_PATH } from "@/lib/sellers/link-visits";
import { actionRequestProblem, actionRequestRefusal } from "@/lib/http/action-request";
import { localeOfHeaders } from "@/lib/i18n/request-locale";
import { translator } from "@/lib/i18n/messages";

// A light next-auth instance without providers or database: it only re-issues a valid session cookie
// with a fresh inactivity expiry (the full checks run in the page through lib/auth/next-auth.ts).
const { auth: rollSession } = NextAuth(() => baseAuthConfig());

export async function proxy(request: NextRequest): Promise<Response> {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const settings = appConfig();
  const csp = contentSecurityPolicy({
    nonce,
    development: settings.nodeEnv === "development",
    formTargets: [settings.noon?.authorizeUrl, settings.oidc?.issuer],
  });
  const { pathname, search } = request.nextUrl;

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // Next reads the nonce from this request header and puts it on its own scripts.
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-request-path", `${pathname}${search}`.slice(0, 2000));
  const next = () => NextResponse.next({ request: { headers: requestHeaders } });

  let response: Response;
  const actionProblem =
    request.method === "POST" && request.headers.has("next-action") ? await actionRequestProblem(request) : null;
  const linkToken =
    request.method === "GET" || request.method === "HEAD" ? ONBOARDING_LINK_PATH.exec(pathname)?.[1] : undefined;
  const limited =
    linkToken && decodablePath(pathname) ? await limitOnboardingLinkVisit(request.headers, linkToken) : null;
  if (!decodablePath(pathname)) {
    // Next answers 500 when it cannot decode a dynamic segment (found by tests/fuzz/fuzz.ts).
    const { language } = localeOfHeaders(request.headers);
    response = new Response(`${translator(language, "errors")("server.malformedAddress")}\n`, {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  } else if (actionProblem) {
    response = actionRequestRefusal(actionProblem);
  } else if (limited) {
    response = limited;
  } else if (pathname === "/admin" || pathname.startsWith("/admin/")) {
    // With a lazily built configuration next-auth hands the wrapped handler back in a promise.
    const handler = await Promise.resolve(
      rollSession((req) => {
        if (!req.auth && !pathname.startsWith("/admin/sign-in") && request.method === "GET") {
          const signIn = new URL("/admin/sign-in", request.url);
          // Back to the same page after signing in; an absurdly long query is not carried along.
          const back = `${pathname}${search}`;
          signIn.searchParams.set(
            "callbackUrl",
            back.length <= 2000 ? back : pathname.length <= 2000 ? pathname : "/admin",
          );
          return NextResponse.redirect(signIn);
        }
        return next();
      }),
    );
    // The wrapper passes its second argument through to the callback above, which does not use it.
    response = (await handler(request, { params: Promise.resolve({}) })) ?? next();
  } else {
    response = next();
  }
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(securityHeaders(settings.isProduction))) response.headers.set(name, value);
  // Seller pages and the OAuth routes carry one-time links and codes: never sent on as a Referer, never cached.
  if (pathname.startsWith("/onboard/") || pathname.startsWith("/api/noon/")) {
    response.headers.set("Referrer-Policy", "no-referrer");
    response.headers.set("Cache-Control", "no-store");
  }
  // Staff pages and every API answer (tokens, sessions, redirects included) are never stored by a cache.
  if (/^\/(admin|api)(\/|$)/.test(pathname)) response.headers.set("Cache-Control", "no-store");
  return response;
}

function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
