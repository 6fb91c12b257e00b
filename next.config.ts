import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { securityHeaders } from "./lib/auth/security-headers";

// next-intl without locale routing: i18n/request.ts picks each request's language (lib/i18n/README.md).
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

const nextConfig: NextConfig = {
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
  // proxy does not see (static files).
  async headers() {
    const production = process.env.NODE_ENV === "production";
    return [
      {
        source: "/:path*",
        headers: Object.entries(securityHeaders(production)).map(([key, value]) => ({ key, value })),
      },
      {
        // The internal API answers JSON only and proxy.ts returns early for it: the rest of its headers, fixed.
        source: "/api/v1/:path*",
        headers: [
          {
            key: "Content-Security-Policy",
            value: "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
          },
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
