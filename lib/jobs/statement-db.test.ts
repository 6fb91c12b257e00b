// pg-boss's database: its parameterised statements are prepared once per connection, the rest (its migrations
// and maintenance, several statements in one text) go unnamed as pg-boss sends them.
import { afterEach, describe, expect, it } from "vitest";
import { statementNamer } from "@/lib/db/statement-names";
import { StatementNamingDb } from "./statement-db";

describe("StatementNamingDb", () => {
  let db: StatementNamingDb | undefined;
  afterEach(async () => {
    await db?.close();
  });

  it("names parameterised statements, sends the others as they are, and refuses to run once closed", async () => {
    // One connection, so what it prepared is visible to the next statement.
    db = new StatementNamingDb({ connectionString: process.env.DATABASE_URL, max: 1 }, statementNamer(10));
    db.open();
    expect((await db.executeSql("SELECT $1::int + 1 AS n", [1])).rows).toEqual([{ n: 2 }]);
    expect((await db.executeSql("SELECT $1::int + 1 AS n", [2])).rows).toEqual([{ n: 3 }]);
    const prepared = await db.executeSql("SELECT name, statement FROM pg_prepared_statements");
    expect(prepared.rows).toEqual([{ name: "app_0", statement: "SELECT $1::int + 1 AS n" }]);
    // Several statements in one text (pg-boss's migrations): the simple protocol, unnamed.
    await expect(db.executeSql("SELECT 1; SELECT 2")).resolves.toBeDefined();
    await db.close();
    await expect(db.executeSql("SELECT $1::int", [1])).rejects.toThrow(/closed/);
  });
});
