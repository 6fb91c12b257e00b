import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { config } from "@/lib/config/env";
import { OMIT_SECRET_COLUMNS } from "@/lib/db/omit";
import { statementNamer } from "@/lib/db/statement-names";
import { processSingleton } from "@/lib/server/process-singleton";

export type { Prisma } from "@/lib/db/generated/client";

function createClient() {
  const { databaseUrl, preparedStatements } = config();
  if (!databaseUrl) {
    throw new Error("DATABASE_URL is not set: start the app with `npm run dev` (embedded PostgreSQL) or set it");
  }
  // Fixed-shape statements are prepared once per connection (lib/db/README.md, "Prepared statements").
  const adapter = new PrismaPg(
    { connectionString: databaseUrl, max: 10 },
    preparedStatements > 0 ? { statementNameGenerator: statementNamer(preparedStatements) } : {},
  );
  return new PrismaClient({
    adapter,
    // Columns that hold hashes or sealed values never leave a query unless asked for by name.
    omit: OMIT_SECRET_COLUMNS,
  });
}

export type Db = ReturnType<typeof createClient>;

/** The client inside `db().$transaction(async (tx) => …)` (same omit configuration as db()). */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$extends" | "$transaction">;

/** The single Prisma client of this process (kept across hot reloads in development). */
export function db(): Db {
  return processSingleton("db", createClient);
}
