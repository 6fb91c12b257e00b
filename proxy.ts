// Runs before every request: security headers with a per-request CSP nonce on every response, the
// rolling inactivity expiry of staff sessions, an early redirect of anonymous visitors of /admin, and the
// rate limit of onboarding links (a page cannot answer 429 itself). The internal API (/api/v1) only gets
// the checks that keep malformed requests from a 500; its fixed headers come from next.config.mjs.
// The token route (`/api/v1/connections/<id>/token`, the busiest) skips this file when its id has no "%":
// such a path always decodes, and a server-action POST there gets the route's 405 (e2e/security-headers.spec.ts).
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
  if (request.nextUrl.pathname.startsWith("/api/v1/")) return internalApi(request, request.nextUrl.pathname);
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
    response = undecodable(request.headers);
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

const UNDECODABLE = "This address is not valid: it contains a malformed %-escape. Check the link and try again.\n";

function undecodable(pageHeaders?: Headers): Response {
  // A page's visitor reads it in their language; the internal API (machines) keeps English.
  const text = pageHeaders
    ? `${translator(localeOfHeaders(pageHeaders).language, "errors")("server.malformedAddress")}\n`
    : UNDECODABLE;
  return new Response(text, {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

// The internal API (/api/v1) is machine to machine: it renders no page, needs no nonce or staff session,
// and its static headers come from next.config.mjs, so it gets only the checks that keep it from a 500.
async function internalApi(request: NextRequest, pathname: string): Promise<Response> {
  if (!decodablePath(pathname)) return undecodable();
  const actionProblem =
    request.method === "POST" && request.headers.has("next-action") ? await actionRequestProblem(request) : null;
  const response = actionProblem ? actionRequestRefusal(actionProblem) : NextResponse.next();
  // As every other API answer: never stored by a cache (tokens, errors included).
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = {
  // Everything but static files and the token route with a plain id (see the header comment).
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/v1/connections/[^/%]+/token$).*)" }],
};
