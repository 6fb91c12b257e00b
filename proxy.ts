// Runs before every request: security headers with a per-request CSP nonce on every response, the
// rolling inactivity expiry of staff sessions, and an early redirect of anonymous visitors of /admin.
// Authorization itself happens again in every page, action and route handler (lib/auth/guard.ts).
import NextAuth from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import { config as appConfig } from "@/lib/config/env";
import { baseAuthConfig } from "@/lib/auth/session-policy";
import { contentSecurityPolicy, securityHeaders } from "@/lib/auth/security-headers";

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
  if (pathname === "/admin" || pathname.startsWith("/admin/")) {
    // With a lazily built configuration next-auth hands the wrapped handler back in a promise.
    const handler = await Promise.resolve(rollSession((req) => {
      if (!req.auth && !pathname.startsWith("/admin/sign-in") && request.method === "GET") {
        const signIn = new URL("/admin/sign-in", request.url);
        signIn.searchParams.set("callbackUrl", `${pathname}${search}`);
        return NextResponse.redirect(signIn);
      }
      return next();
    }));
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
  return response;
}

// The internal API (/api/v1) is machine to machine: it renders no page, needs no nonce or staff session,
// and its static headers come from next.config.mjs, so it skips this per-request work.
export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico|api/v1/).*)" }],
};
