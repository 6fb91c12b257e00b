import "server-only";

// Names for server-side prepared statements (`statementNameGenerator` of @prisma/adapter-pg): a statement sent
// under a name is parsed and planned once per connection, then only bound and run. Design: lib/db/README.md.

/** The SQL of a query as the adapter hands it to the generator. */
export type NamedQuery = { sql: string };

/** Statements that are only data reads and writes (no DDL, SET, LISTEN …). */
const DML = /^\s*(?:with|select|insert|update|delete)\b/i;

/**
 * A `*` as a column list (`SELECT *`, `RETURNING *`, `t.*`): such a statement's result would change shape when
 * a migration adds a column, and PostgreSQL refuses to run a prepared statement whose result type changed.
 * (`count(*)` does not match: its star follows a parenthesis.)
 */
const STAR_COLUMNS = /(?:\bselect|\breturning|\bdistinct|,)\s*(?:(?:"[^"]*"|\w+)\.)?\*/i;

/** An IN list of several parameters (Prisma's `in`/`notIn`): one text per length, so not a fixed shape. */
const PARAMETER_LIST = /\bin\s*\(\s*\$\d+\s*,/i;

/** Whether a statement may be sent under a name: fixed-shape DML whose columns are listed by name. */
export function mayBeNamed(sql: string): boolean {
  return DML.test(sql) && !STAR_COLUMNS.test(sql) && !PARAMETER_LIST.test(sql);
}

/** The name pg takes as "no name": the unnamed statement, parsed and planned on every run. */
export const UNNAMED = "";

/**
 * One name per distinct SQL text, for at most `limit` texts per process (each connection then holds at most
 * `limit` prepared statements); a text beyond the limit, or one `mayBeNamed` refuses, goes unnamed (parsed and
 * planned every time, as with no generator). `limit` 0: every statement unnamed.
 */
export function statementNamer(limit: number): (query: NamedQuery) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= limit || !mayBeNamed(sql)) return UNNAMED;
    // The texts are the keys, so two texts never share a name (pg refuses a name reused for another text).
    const name = `app_${names.size}`;
    names.set(sql, name);
    return name;
  };
}
