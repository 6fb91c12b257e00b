import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { config } from "@/lib/config/env";

export type { Prisma } from "@/lib/db/generated/client";

function createClient() {
  const { databaseUrl } = config();
  if (!databaseUrl) {
    throw new Error("DATABASE_URL is not set: start the app with `npm run dev` (embedded PostgreSQL) or set it");
  }
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
  return new PrismaClient({
    adapter,
    // Columns that hold hashes or sealed values never leave a query unless asked for by name.
    omit: {
      staffUser: { passwordHash: true },
      apiKey: { keyHash: true },
      onboardingLink: { tokenHash: true },
      noonAuthorization: { stateHash: true },
      pendingSecret: { sealed: true },
      localSecretVersion: { sealed: true },
      connectionToken: { sealed: true },
    },
  });
}

export type Db = ReturnType<typeof createClient>;

const globalForDb = globalThis as unknown as { __sellerOnboardingDb?: Db };

/** The single Prisma client of this process (kept across hot reloads in development). */
export function db(): Db {
  globalForDb.__sellerOnboardingDb ??= createClient();
  return globalForDb.__sellerOnboardingDb;
}
