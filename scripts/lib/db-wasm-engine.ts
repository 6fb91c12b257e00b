// Prisma's schema engine compiled to WebAssembly, driven through the pg driver adapter, so
// migrations work offline (the CLI's native engine is downloaded from Prisma's server).
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum, DriverAdapterError } from "@prisma/driver-adapter-utils";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from "@prisma/driver-adapter-utils";
import type * as EngineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";

export type { SchemaEngine };
export type { MigrationList, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";

type EngineModule = typeof EngineGlue;
let engineModule: Promise<EngineModule> | undefined;

/**
 * The package imports its .wasm the bundler way, which Node refuses; instantiate it by hand
 * with the JS glue as the import object (once per process: the glue holds module state).
 */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (typeof start === "function") start();
    return glue;
  })();
  return engineModule;
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

export interface EngineHandle {
  engine: SchemaEngine;
  /** Frees the engine and closes every pool it opened. */
  close(): Promise<void>;
}

/**
 * An engine connected to `connectionString`, with `datamodel` (a schema file's path and text) as
 * its datamodel. Shadow databases, should a command need one, are created on the same server.
 */
export async function openEngine(
  connectionString: string,
  datamodel?: { path: string; content: string },
): Promise<EngineHandle> {
  const glue = await loadEngineModule();
  const factory = new EngineAdapterFactory(connectionString);
  const engine = await glue.SchemaEngine.new(
    { datamodels: datamodel ? [[datamodel.path, datamodel.content]] : undefined },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await factory.closeAll();
    },
  };
}

/** Turns the engine's wasm-bindgen errors (multi-line with a span trace) into a short message. */
export function engineErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const [first] = text.split(/\n\s+0: /);
  return (first ?? text).trim();
}

// ───────────────────────── the driver adapter, adjusted for the schema engine ─────────────────────────

const CHAR_OID = 18;
const TEXT_OID = 25;
const CHAR_COLUMNS = Symbol("charColumns");
type MarkedRows = unknown[][] & { [CHAR_COLUMNS]?: number[] };

/**
 * One connection per pool: the engine's pg_advisory_lock and its session state then live in
 * one session. Two fixes over @prisma/adapter-pg 7.10, found by running the engine here:
 *  - PostgreSQL's one-byte "char" type (pg_constraint.contype, …) is unknown to the adapter, so
 *    introspection failed with "Column type 'char' could not be deserialized". Such columns are
 *    read as text and then declared to the engine as Character.
 *  - executeScript split scripts on every ";" (breaking literals and $$ bodies); scripts now go
 *    as one simple-protocol query, like the native engine sends them.
 */
function enginePool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 1, connectionTimeoutMillis: 60_000 });
  pool.on("error", () => {});
  // Promise-style calls only (the adapter's); pool.query's internal callback call passes through.
  pool.query = markingQuery(pool.query.bind(pool)) as typeof pool.query;
  pool.on("connect", (client) => {
    client.query = markingQuery(client.query.bind(client)) as typeof client.query;
  });
  return pool;
}

function markingQuery(query: (...args: never[]) => unknown): (...args: unknown[]) => unknown {
  return (...args) => {
    const result = (query as (...a: unknown[]) => unknown)(...args);
    if (!(result instanceof Promise)) return result;
    return result.then((res: unknown) => {
      markCharColumns(res);
      return res;
    });
  };
}

function markCharColumns(res: unknown): void {
  if (typeof res !== "object" || res === null || !("fields" in res) || !("rows" in res)) return;
  const { fields, rows } = res as { fields: unknown; rows: unknown };
  if (!Array.isArray(fields) || !Array.isArray(rows)) return;
  const indexes: number[] = [];
  fields.forEach((field: { dataTypeID?: number }, i) => {
    if (field.dataTypeID === CHAR_OID) {
      field.dataTypeID = TEXT_OID;
      indexes.push(i);
    }
  });
  if (indexes.length) Object.defineProperty(rows, CHAR_COLUMNS, { value: indexes });
}

async function queryRawFixed(
  queryable: { queryRaw(q: SqlQuery): Promise<SqlResultSet> },
  q: SqlQuery,
): Promise<SqlResultSet> {
  const result = await queryable.queryRaw(q);
  for (const i of (result.rows as MarkedRows)[CHAR_COLUMNS] ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
  return result;
}

function fixTransaction(tx: Transaction): Transaction {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === "queryRaw") return (q: SqlQuery) => queryRawFixed(target, q);
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function fixAdapter(adapter: SqlDriverAdapter, pool: pg.Pool, onDispose: () => Promise<void>): SqlDriverAdapter {
  let disposed = false;
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      switch (prop) {
        case "queryRaw":
          return (q: SqlQuery) => queryRawFixed(target, q);
        case "executeScript":
          return async (script: string) => {
            try {
              await pool.query(script);
            } catch (error) {
              throw toAdapterError(error);
            }
          };
        case "startTransaction":
          return async (...args: Parameters<SqlDriverAdapter["startTransaction"]>) =>
            fixTransaction(await target.startTransaction(...args));
        case "dispose":
          return async () => {
            if (disposed) return;
            disposed = true;
            try {
              await target.dispose();
            } finally {
              await onDispose();
            }
          };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A PostgreSQL error in the shape the engine reports (code, message, detail, hint). */
function toAdapterError(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error;
  return new DriverAdapterError({
    kind: "postgres",
    code: error.code ?? "N/A",
    severity: error.severity ?? "N/A",
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/**
 * Like PrismaPg, plus shadow databases that really are separate databases (PrismaPg's
 * honours `database` only with discrete options, and drops the database before closing
 * its own pool, which fails). Created and dropped through the main connection.
 */
class EngineAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(private readonly connectionString: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.connectTo(this.connectionString, async () => {});
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_shadow_${randomBytes(6).toString("hex")}`;
    await this.admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    return this.connectTo(withDatabase(this.connectionString, name), () =>
      this.admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
    );
  }

  async closeAll(): Promise<void> {
    for (const adapter of [...this.open]) await adapter.dispose().catch(() => {});
  }

  private async connectTo(connectionString: string, afterClose: () => Promise<void>): Promise<SqlDriverAdapter> {
    const pool = enginePool(connectionString);
    const inner = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    const adapter = fixAdapter(inner, pool, async () => {
      this.open.delete(adapter);
      await afterClose();
    });
    this.open.add(adapter);
    return adapter;
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
