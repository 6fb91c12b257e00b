// Named (server-side prepared) statements: bounded, refused for `*` column lists, still right after a migration
// adds a column, and used by the app's own client (lib/db/README.md, "Prepared statements").
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";
import { mayBeNamed, statementNamer, UNNAMED } from "@/lib/db/statement-names";
import { createPrivateDatabase, type PrivateDatabase } from "@/tests/support/private-database";

describe("statementNamer", () => {
  it("gives one name per SQL text, the same each time, up to its limit; beyond it every new text goes unnamed", () => {
    const name = statementNamer(2);
    const a = name({ sql: 'SELECT "id" FROM "sellers" WHERE "id" = $1' });
    const b = name({ sql: 'UPDATE "sellers" SET "name" = $1 WHERE "id" = $2' });
    expect(a).toBeTruthy();
    expect(b).toBeTruthy();
    expect(a).not.toBe(b);
    expect(name({ sql: 'SELECT "id" FROM "sellers" WHERE "id" = $1' })).toBe(a);
    // A third text finds the limit reached: unnamed, and nothing kept.
    expect(name({ sql: 'SELECT "name" FROM "sellers" WHERE "id" = $1' })).toBe(UNNAMED);
    expect(name({ sql: 'SELECT "name" FROM "sellers" WHERE "id" = $1' })).toBe(UNNAMED);
    expect(name({ sql: 'UPDATE "sellers" SET "name" = $1 WHERE "id" = $2' })).toBe(b);
  });

  it("names nothing with a limit of 0 (DATABASE_PREPARED_STATEMENTS=0)", () => {
    expect(statementNamer(0)({ sql: "SELECT 1" })).toBe(UNNAMED);
  });

  it("names only data statements whose columns are listed by name", () => {
    expect(mayBeNamed('SELECT "t0"."id", count(*) FROM "sellers" AS "t0"')).toBe(true);
    expect(mayBeNamed("WITH x AS (UPDATE a SET b = 1 RETURNING id) SELECT id FROM x")).toBe(true);
    expect(mayBeNamed("  insert into a (id) values ($1)")).toBe(true);
    expect(mayBeNamed("SELECT * FROM sellers")).toBe(false);
    expect(mayBeNamed("SELECT s.* FROM sellers s")).toBe(false);
    expect(mayBeNamed('SELECT "s".* FROM sellers s')).toBe(false);
    expect(mayBeNamed("SELECT id, * FROM sellers")).toBe(false);
    expect(mayBeNamed("UPDATE sellers SET name = $1 RETURNING *")).toBe(false);
    // Without the space SQL allows there.
    expect(mayBeNamed("SELECT*FROM sellers")).toBe(false);
    expect(mayBeNamed("SELECT id,s.* FROM sellers s")).toBe(false);
    expect(mayBeNamed("DELETE FROM sellers RETURNING*")).toBe(false);
    expect(mayBeNamed("ALTER TABLE sellers ADD COLUMN x int")).toBe(false);
    expect(mayBeNamed("SET LOCAL statement_timeout = 1000")).toBe(false);
    // Prisma's `in` with one value is a fixed shape; with several, each length is another text.
    expect(mayBeNamed('SELECT "id" FROM "sellers" WHERE "id" IN ($1) OFFSET $2')).toBe(true);
    expect(mayBeNamed('SELECT "id" FROM "sellers" WHERE "id" IN ($1,$2,$3) OFFSET $4')).toBe(false);
    expect(mayBeNamed('SELECT "id" FROM "sellers" WHERE "id" NOT IN ( $1, $2) LIMIT $3')).toBe(false);
  });
});

describe("prepared statements against PostgreSQL", () => {
  let database: PrivateDatabase;
  beforeAll(async () => {
    database = await createPrivateDatabase("statement_names");
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** A client on ONE connection (so what it prepared stays visible), naming like the app's. */
  function oneConnectionClient() {
    return new PrismaClient({
      adapter: new PrismaPg({ connectionString: database.url, max: 1 }, { statementNameGenerator: statementNamer(50) }),
    });
  }

  const prepared = async (client: PrismaClient) =>
    (
      await client.$queryRawUnsafe<{ statement: string }[]>(
        "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'app\\_%'",
      )
    ).map((r) => r.statement);

  it("keeps answering, with the same result, after a migration adds a column to a table it reads", async () => {
    const client = oneConnectionClient();
    try {
      const seller = await client.seller.create({
        data: { externalId: "prepared-1", name: "Before" },
        select: { id: true },
      });
      const read = () =>
        client.seller.findUnique({ where: { id: seller.id }, select: { id: true, name: true, externalId: true } });
      expect(await read()).toEqual({ id: seller.id, name: "Before", externalId: "prepared-1" });
      expect((await prepared(client)).some((sql) => sql.includes('FROM "public"."sellers"'))).toBe(true);

      // What a migration does, on another connection, while this one holds the prepared statements.
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query("ALTER TABLE sellers ADD COLUMN prepared_probe text NOT NULL DEFAULT 'x'");
        await admin.query("UPDATE sellers SET name = 'After' WHERE id = $1", [seller.id]);
        expect(await read()).toEqual({ id: seller.id, name: "After", externalId: "prepared-1" });
        // Writes too (Prisma lists its columns in INSERT … RETURNING as well).
        const more = await client.seller.create({
          data: { externalId: "prepared-2", name: "New" },
          select: { id: true, name: true },
        });
        expect(more.name).toBe("New");
      } finally {
        await admin.query("ALTER TABLE sellers DROP COLUMN IF EXISTS prepared_probe");
        await admin.end();
      }
      expect(await read()).toEqual({ id: seller.id, name: "After", externalId: "prepared-1" });
    } finally {
      await client.$disconnect();
    }
  });

  it("would break a prepared `SELECT *` after the same migration, which is why such SQL goes unnamed", async () => {
    const conn = new pg.Client({ connectionString: database.url });
    const admin = new pg.Client({ connectionString: database.url });
    await conn.connect();
    await admin.connect();
    try {
      await admin.query("CREATE TABLE prepared_star (id int)");
      const star = { name: "star", text: "SELECT * FROM prepared_star" };
      await conn.query(star);
      await admin.query("ALTER TABLE prepared_star ADD COLUMN extra int");
      await expect(conn.query(star)).rejects.toThrow(/cached plan must not change result type/);
      expect(mayBeNamed(star.text)).toBe(false);
    } finally {
      await admin.query("DROP TABLE IF EXISTS prepared_star");
      await conn.end();
      await admin.end();
    }
  });

  it("survives rollbacks: a statement first prepared in a rolled-back or failed transaction runs afterwards", async () => {
    const conn = new pg.Client({ connectionString: database.url });
    await conn.connect();
    const name = statementNamer(10);
    const run = (text: string, value: number) => conn.query({ name: name({ sql: text }), text, values: [value] });
    try {
      await conn.query("BEGIN");
      await run("SELECT $1::int AS n", 1);
      await conn.query("ROLLBACK");
      // PostgreSQL keeps a prepared statement through a rollback (it belongs to the session).
      expect((await run("SELECT $1::int AS n", 2)).rows).toEqual([{ n: 2 }]);
      await conn.query("BEGIN");
      await expect(conn.query("SELECT 1/0")).rejects.toThrow();
      // Refused in the failed transaction: pg forgets it had sent it, and prepares it again next time.
      await expect(run("SELECT $1::int AS m", 1)).rejects.toThrow(/aborted/);
      await conn.query("ROLLBACK");
      expect((await run("SELECT $1::int AS m", 3)).rows).toEqual([{ m: 3 }]);
    } finally {
      await conn.end();
    }
  });

  it("is what the app's own client does (a read prepares its statement on the connection)", async () => {
    const statements = await db().$transaction(async (tx) => {
      await tx.seller.findFirst({ where: { externalId: "none-such" }, select: { id: true } });
      return tx.$queryRawUnsafe<{ statement: string }[]>(
        "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'app\\_%'",
      );
    });
    expect(statements.some((r) => r.statement.includes("external_id"))).toBe(true);
  });
});
