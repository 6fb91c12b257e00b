// Migrations tooling against a real PostgreSQL: drift between prisma/schema.prisma and
// prisma/migrations, and applyMigrations' bookkeeping. Throwaway databases go on DATABASE_URL's
// server (the test run's) or, without one, on a temporary embedded PostgreSQL.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, dropDatabase, startEmbeddedPostgres, tempDataDir } from "./embedded-pg";
import type { EmbeddedPostgres } from "./embedded-pg";
import { applyMigrations, checkDrift, createMigration, DEFAULT_SCHEMA_PATH, formatDriftReport } from "./schema-engine";

let server = "";
let embedded: EmbeddedPostgres | undefined;
const databases: string[] = [];
const folders: string[] = [];

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    server = process.env.DATABASE_URL;
  } else {
    embedded = await startEmbeddedPostgres({ dataDir: await tempDataDir(), port: 0, persistent: false });
    server = embedded.adminConnectionString;
  }
}, 120_000);

afterAll(async () => {
  for (const name of databases) await dropDatabase(server, name).catch(() => {});
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
  await embedded?.stop();
}, 120_000);

async function freshDatabase(): Promise<string> {
  const name = `schema_engine_test_${randomBytes(4).toString("hex")}`;
  await createDatabase(server, name);
  databases.push(name);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "schema-engine-test-"));
  folders.push(folder);
  return folder;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

describe("prisma/schema.prisma and prisma/migrations", () => {
  it.skipIf(!existsSync(DEFAULT_SCHEMA_PATH))(
    "the migrations build exactly the database the schema describes (no drift)",
    async () => {
      const report = await checkDrift({ serverConnectionString: server });
      if (report.drift) expect.fail(formatDriftReport(report));
      expect(report.differences).toEqual([]);
    },
    180_000,
  );
});

describe("applyMigrations", () => {
  const first = `CREATE TABLE "notes" ("id" SERIAL NOT NULL, "body" TEXT NOT NULL DEFAULT 'a;b', CONSTRAINT "notes_pkey" PRIMARY KEY ("id"));\n`;
  const second = `CREATE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW.body := NEW.body; RETURN NEW; END; $$ LANGUAGE plpgsql;\nALTER TABLE "notes" ADD COLUMN "pinned" BOOLEAN NOT NULL DEFAULT false;\n`;

  it("applies each folder once, records it like prisma migrate deploy, and is idempotent", async () => {
    const dir = await tempFolder();
    await writeMigration(dir, "20250101000000_notes", first);
    await writeMigration(dir, "20250102000000_pinned", second);
    const url = await freshDatabase();

    expect(await applyMigrations(url, { migrationsDir: dir })).toEqual({
      applied: ["20250101000000_notes", "20250102000000_pinned"],
    });
    expect(await applyMigrations(url, { migrationsDir: dir })).toEqual({ applied: [] });

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished: boolean;
      applied_steps_count: number;
      rolled_back_at: Date | null;
    }>(
      url,
      "SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
    );
    const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
    expect(rows).toEqual([
      {
        migration_name: "20250101000000_notes",
        checksum: sha(first),
        finished: true,
        applied_steps_count: 1,
        rolled_back_at: null,
      },
      {
        migration_name: "20250102000000_pinned",
        checksum: sha(second),
        finished: true,
        applied_steps_count: 1,
        rolled_back_at: null,
      },
    ]);
    // Scripts run whole (semicolons inside literals and $$ bodies are not statement ends).
    expect(await query<{ body: string }>(url, "INSERT INTO notes DEFAULT VALUES RETURNING body")).toEqual([
      { body: "a;b" },
    ]);

    // A later migration is picked up on the next call.
    await writeMigration(dir, "20250103000000_title", `ALTER TABLE "notes" ADD COLUMN "title" TEXT;\n`);
    expect(await applyMigrations(url, { migrationsDir: dir })).toEqual({ applied: ["20250103000000_title"] });
  }, 120_000);

  it("is safe when several processes migrate the same database at once", async () => {
    const dir = await tempFolder();
    await writeMigration(dir, "20250101000000_notes", first);
    await writeMigration(dir, "20250102000000_pinned", second);
    const url = await freshDatabase();

    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(url, { migrationsDir: dir })));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(["20250101000000_notes", "20250102000000_pinned"]);
    expect(await query(url, "SELECT migration_name FROM _prisma_migrations")).toHaveLength(2);
  }, 120_000);

  it("reports a failing migration with PostgreSQL's message", async () => {
    const dir = await tempFolder();
    await writeMigration(dir, "20250101000000_broken", `ALTER TABLE "missing_table" ADD COLUMN "x" INTEGER;\n`);
    const url = await freshDatabase();
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      /20250101000000_broken[\s\S]*missing_table/,
    );
  }, 120_000);
});

describe("createMigration and checkDrift", () => {
  const schemaV1 = `datasource db {
  provider = "postgresql"
}

enum Kind {
  NOTE
  TASK
}

model Note {
  id        Int      @id @default(autoincrement())
  kind      Kind     @default(NOTE)
  title     String
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)

  @@index([createdAt])
  @@map("notes")
}
`;
  const schemaV2 = schemaV1.replace(
    "  title     String\n",
    '  title     String\n  body      String? @default("x;y")\n',
  );

  it("writes a first and a second migration, and drift shows an unmigrated field", async () => {
    const root = await tempFolder();
    const schemaPath = path.join(root, "schema.prisma");
    const migrationsDir = path.join(root, "migrations");
    const opts = { schemaPath, migrationsDir, serverConnectionString: server, log: () => {} };
    await writeFile(schemaPath, schemaV1);

    const firstFolder = await createMigration("Init notes", { ...opts, now: new Date(Date.UTC(2025, 0, 1)) });
    expect(firstFolder && path.basename(firstFolder)).toBe("20250101000000_init_notes");
    expect(await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toContain(
      'provider = "postgresql"',
    );
    expect(await createMigration("nothing", opts)).toBeNull();

    // A field added to the schema without a migration is drift, named in the report.
    await writeFile(schemaPath, schemaV2);
    const drift = await checkDrift(opts);
    expect(drift.drift).toBe(true);
    expect(drift.differences).toEqual([expect.stringMatching(/^column public\.notes\.body: only in schema\.prisma/)]);
    expect(formatDriftReport(drift)).toContain('ADD COLUMN     "body" TEXT');

    const secondFolder = await createMigration("add body", opts);
    expect(secondFolder).not.toBeNull();
    expect(await readdir(migrationsDir)).toHaveLength(3);
    expect(await readFile(path.join(secondFolder ?? "", "migration.sql"), "utf8")).toContain(
      `ADD COLUMN     "body" TEXT DEFAULT 'x;y'`,
    );
    expect((await checkDrift(opts)).drift).toBe(false);

    const url = await freshDatabase();
    expect((await applyMigrations(url, { migrationsDir })).applied).toHaveLength(2);
    expect(await query(url, "INSERT INTO notes (title) VALUES ('t') RETURNING body, kind")).toEqual([
      { body: "x;y", kind: "NOTE" },
    ]);
  }, 180_000);
});
