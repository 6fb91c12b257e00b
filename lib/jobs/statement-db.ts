import "server-only";
import { EventEmitter } from "node:events";
import pg from "pg";
import type PgBoss from "pg-boss";
import type { NamedQuery } from "@/lib/db/statement-names";

/**
 * pg-boss's database (`db` of its constructor): its own pool, as pg-boss builds one, whose parameterised
 * statements (single statements by the protocol) go under the names `name` gives, so PostgreSQL plans pg-boss's
 * job insert and fetch once per connection (lib/db/README.md, "Prepared statements"). Statements without
 * parameters (pg-boss's migrations and maintenance, which may hold several) go unnamed. Opened and closed by
 * lib/jobs/index.ts around the boss's own start and stop.
 */
export class StatementNamingDb extends EventEmitter implements PgBoss.Db {
  readonly events = { error: "error" };
  private pool: pg.Pool | undefined;

  constructor(
    private readonly poolConfig: pg.PoolConfig,
    private readonly name: (query: NamedQuery) => string,
  ) {
    super();
  }

  open(): void {
    if (this.pool) return;
    this.pool = new pg.Pool(this.poolConfig);
    this.pool.on("error", (error) => this.emit("error", error));
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool && !pool.ending) await pool.end();
  }

  async executeSql(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    if (!this.pool) throw new Error("the job queue's database is closed");
    return values && values.length > 0
      ? this.pool.query({ text, values, name: this.name({ sql: text }) })
      : this.pool.query(text, values);
  }
}
