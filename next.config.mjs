/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Server-side packages with native parts, workers or dynamic requires stay outside the bundle.
  serverExternalPackages: ["pino", "pg", "pg-boss", "@prisma/adapter-pg", "@aws-sdk/client-secrets-manager"],
  typedRoutes: false,
};

export default nextConfig;
