// `npm run db:migration -- <name>` – writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that brings the existing migrations to prisma/schema.prisma. Needs no DATABASE_URL: the
// diff runs on a throwaway embedded PostgreSQL. Apply it afterwards with `npm run db:migrate`.
import { createMigration } from "./lib/schema-engine";

async function main(): Promise<void> {
  const name = process.argv.slice(2).join(" ").trim();
  if (!name || name.startsWith("-")) {
    console.error("Usage: npm run db:migration -- <name>   (e.g. npm run db:migration -- add_seller_notes)");
    process.exitCode = 2;
    return;
  }
  const started = Date.now();
  const folder = await createMigration(name);
  if (folder) console.log(`Review it, then apply with: npm run db:migrate   (${Date.now() - started} ms)`);
}

main().catch((error: unknown) => {
  console.error(`db:migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
