// @ts-check
import createNextIntlPlugin from "next-intl/plugin";
import {
  API_CONTENT_SECURITY_POLICY,
  NOON_CALLBACK_PATH,
  noonCallbackHeaders,
  securityHeaders,
} from "./lib/auth/static-headers.mjs";

// next-intl without locale routing: i18n/request.ts picks each request's language (lib/i18n/README.md).
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Server-side packages with native parts, workers or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pino", "pg", "pg-boss", "@prisma/adapter-pg", "@aws-sdk/client-secrets-manager"],
  typedRoutes: false,
  experimental: {
    // forbidden() / unauthorized() from next/navigation: the 403 page for staff without the permission.
    authInterrupts: true,
  },
  // proxy.ts sets the same headers with the per-request CSP on every page and route; this covers what the
  // proxy does not see (static files). Next matches these sources on every request: unnamed groups, since a
  // `:path*` parameter is split and decoded segment by segment each time.
  async headers() {
    const production = process.env.NODE_ENV === "production";
    return [
      {
        source: "/(.*)",
        headers: Object.entries(securityHeaders(production)).map(([key, value]) => ({ key, value })),
      },
      {
        // The internal API answers JSON only and proxy.ts returns early for it (or, for the token route,
        // never runs): the rest of its headers, fixed. Never cached, Next's own answers (405, OPTIONS) included.
        source: "/api/v1(/.*)?",
        headers: [
          { key: "Content-Security-Policy", value: API_CONTENT_SECURITY_POLICY },
          { key: "Cache-Control", value: "no-store" },
        ],
      },
      {
        // Noon's redirect back skips proxy.ts: its CSP, Referrer-Policy and Cache-Control are set here. A header
        // set here wins over the route's own of the same name (and over the first rule above).
        source: NOON_CALLBACK_PATH,
        headers: Object.entries(noonCallbackHeaders()).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default withNextIntl(nextConfig);
