// A database of its own for a test file whose job workers must see only its own jobs and deliveries
// (the run's shared database carries every other file's rows). Call before anything opens db().
import { randomBytes } from "node:crypto";
import { createDatabase, dropDatabase } from "@/scripts/lib/embedded-pg";
import { applyMigrations } from "@/scripts/lib/schema-engine";

export type PrivateDatabase = { url: string; drop(): Promise<void> };

export async function createPrivateDatabase(prefix: string): Promise<PrivateDatabase> {
  const base = new URL(process.env.DATABASE_URL ?? "");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const adminUrl = Object.assign(new URL(base), { pathname: "/postgres" }).toString();
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  await createDatabase(adminUrl, name);
  await applyMigrations(url);
  return { url, drop: () => dropDatabase(adminUrl, name).catch(() => undefined) };
}
