// `npm run db:migrate` – applies prisma/migrations to DATABASE_URL, or, when it is unset, to the
// development PostgreSQL (embedded, data in .data/pg, port 5433), started and stopped around it.
// `npm run db:migrate -- --rolled-back <name>` first marks a failed migration as rolled back.
import path from "node:path";
import { redactConnectionString, startEmbeddedPostgres } from "./lib/embedded-pg";
import { applyMigrations, markMigrationRolledBack, PROJECT_ROOT } from "./lib/schema-engine";

function parseArgs(argv: string[]): { rolledBack?: string } {
  if (argv.length === 0) return {};
  if (argv[0] === "--rolled-back" && argv[1] && argv.length === 2) return { rolledBack: argv[1] };
  throw new Error("usage: npm run db:migrate [-- --rolled-back <migration_name>]");
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const databaseUrl = process.env.DATABASE_URL;
  const dev = databaseUrl
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: path.join(PROJECT_ROOT, ".data", "pg"),
        port: 5433,
        persistent: true,
        database: "seller_onboarding",
      });
  const target = databaseUrl ?? dev?.connectionString;
  if (!target) throw new Error("no database to migrate");
  try {
    console.log(`Migrating ${redactConnectionString(target)}${dev ? " (embedded, .data/pg)" : ""}`);
    if (args.rolledBack) {
      await markMigrationRolledBack(target, args.rolledBack);
      console.log(`Marked ${args.rolledBack} as rolled back.`);
    }
    const { applied } = await applyMigrations(target);
    if (applied.length === 0) console.log("Already up to date: no pending migrations.");
    for (const name of applied) console.log(`Applied ${name}`);
    console.log(`Done in ${Date.now() - started} ms.`);
  } finally {
    await dev?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
