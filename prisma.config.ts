// Prisma CLI configuration. The URL is read only when set: `prisma generate` (postinstall) must
// work without a database. Migrations run through `npm run db:migrate` (scripts/db-migrate.ts).
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
