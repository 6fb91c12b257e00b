// The support view's SQL, kept free of "server-only" and of the Prisma client so the benchmark
// (bench/support.bench.ts) measures exactly the statements the pages run, through plain `pg`.
// How it stays fast on a million requests (keyset pages, routed search, capped counts): lib/support/README.md.

export const AUTHORIZATION_STATUSES = [
  "STARTED",
  "DECLINED",
  "REJECTED",
  "FAILED",
  "PENDING_KEY_STORAGE",
  "COMPLETED",
  "EXPIRED",
  "SUPERSEDED",
] as const;
export type AuthorizationStatus = (typeof AUTHORIZATION_STATUSES)[number];

/** Statuses in which the request can still change by itself (the detail page polls while in them). */
export const IN_PROGRESS_STATUSES: readonly AuthorizationStatus[] = ["STARTED", "PENDING_KEY_STORAGE"];

export type SortOrder = "newest" | "oldest";

export interface ListFilters {
  status?: AuthorizationStatus;
  /** created_at ≥ from */
  from?: Date;
  /** created_at < to */
  to?: Date;
  sellerId?: string;
  q?: string;
}

export interface ListOptions extends ListFilters {
  sort: SortOrder;
  cursor?: string;
  limit: number;
}

export const MAX_LIMIT = 200;
export const COUNT_CAP = 10_000;
/** Unfiltered, a status above this many rows is shown as the planner's estimate (exact below). */
export const EXACT_UNFILTERED_UP_TO = 2_000;
export const MAX_SEARCH_LENGTH = 200;

export interface SqlQuery {
  text: string;
  values: unknown[];
}

// ───────────────────────── search routing ─────────────────────────

export type SearchPlan =
  | { mode: "none" }
  | { mode: "reference"; value: string }
  | { mode: "uuid"; value: string }
  | { mode: "projectCode"; value: string; candidates: string[] }
  | {
      mode: "seller";
      value: string;
      pattern: string;
      prefix: boolean;
      /** The matching sellers when there are at most MAX_SELLER_MATCHES (resolved by the caller); absent = broad. */
      sellerIds?: string[];
    };

/** Above this many matching sellers a name search is "broad": it is answered by scanning in time order. */
export const MAX_SELLER_MATCHES = 1000;

const REFERENCE_SHAPE = /^NA-[0-9A-Z]{4,32}$/i;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Noon project codes look like "PRJ12345": one token of letters, digits, "-" or "_" with a digit in it.
const PROJECT_CODE_SHAPE = /^(?=.*\d)[A-Za-z0-9_-]{3,64}$/;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * What a search box input is, by its shape. A project-code-shaped input is only a candidate: the
 * caller probes the index (`projectCodeProbe`) and falls back to the seller search when it misses.
 */
export function planSearch(raw: string | undefined): SearchPlan {
  const value = (raw ?? "").trim().slice(0, MAX_SEARCH_LENGTH);
  if (!value) return { mode: "none" };
  if (REFERENCE_SHAPE.test(value)) return { mode: "reference", value: value.toUpperCase() };
  if (UUID_SHAPE.test(value)) return { mode: "uuid", value: value.toLowerCase() };
  if (PROJECT_CODE_SHAPE.test(value)) {
    return { mode: "projectCode", value, candidates: [...new Set([value, value.toUpperCase()])] };
  }
  return sellerSearch(value);
}

export function sellerSearch(value: string): SearchPlan {
  // Trigram "contains" needs 3 characters to be selective; shorter input searches name/e-mail prefixes.
  const prefix = [...value].length < 3;
  const pattern = prefix ? `${escapeLike(value)}%` : `%${escapeLike(value)}%`;
  return { mode: "seller", value, pattern, prefix };
}

/** The sellers matching a name/e-mail search, at most `limit` (ask for MAX_SELLER_MATCHES + 1 to detect broad). */
export function sellerMatchesQuery(pattern: string, limit: number): SqlQuery {
  // An input with "@" is an e-mail address (names have none): skip the name index.
  const where = pattern.includes("@") ? "email ILIKE $1" : "name ILIKE $1 OR email ILIKE $1";
  return { text: `SELECT id FROM sellers WHERE ${where} LIMIT $2`, values: [pattern, limit] };
}

export function projectCodeProbe(candidates: string[]): SqlQuery {
  return {
    text: "SELECT EXISTS (SELECT 1 FROM noon_authorizations WHERE project_code = ANY($1::text[])) AS found",
    values: [candidates],
  };
}

// ───────────────────────── cursors ─────────────────────────

export interface Cursor {
  /** "after": the page after this row in the chosen order; "before": the page before it. */
  direction: "after" | "before";
  createdAt: Date;
  id: string;
}

/** Opaque in URLs: `a.<epoch ms>.<uuid>` or `b.<epoch ms>.<uuid>` (created_at has millisecond precision). */
export function encodeCursor(cursor: Cursor): string {
  return `${cursor.direction === "after" ? "a" : "b"}.${cursor.createdAt.getTime()}.${cursor.id}`;
}

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  const match = /^([ab])\.(\d{1,15})\.([0-9a-f-]{36})$/i.exec(text);
  if (!match || !UUID_SHAPE.test(match[3] ?? "")) return undefined;
  const createdAt = new Date(Number(match[2]));
  if (Number.isNaN(createdAt.getTime())) return undefined;
  return { direction: match[1] === "a" ? "after" : "before", createdAt, id: (match[3] ?? "").toLowerCase() };
}

// ───────────────────────── WHERE clause ─────────────────────────

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Conditions on `a` (noon_authorizations). `search` must be resolved (projectCode probed) by the caller.
 * The seller search is a semi-join on the trigram-indexed sellers table, so the planner can start
 * from the few matching sellers (seller_id index) or from the time index when many match.
 */
function whereConditions(
  p: Params,
  filters: ListFilters,
  search: SearchPlan,
  opts: { status: boolean; sellerIdsOutside?: boolean },
): string[] {
  const conds: string[] = [];
  if (opts.status && filters.status) conds.push(`a.status = ${p.add(filters.status)}::noon_authorization_status`);
  if (filters.from) conds.push(`a.created_at >= ${p.add(filters.from)}::timestamptz`);
  if (filters.to) conds.push(`a.created_at < ${p.add(filters.to)}::timestamptz`);
  if (filters.sellerId) conds.push(`a.seller_id = ${p.add(filters.sellerId)}::uuid`);
  switch (search.mode) {
    case "none":
      break;
    case "reference":
      conds.push(`a.reference = ${p.add(search.value)}`);
      break;
    case "uuid": {
      const v = p.add(search.value);
      conds.push(`(a.oauth_request_id = ${v} OR a.id = ${v}::uuid)`);
      break;
    }
    case "projectCode":
      conds.push(`a.project_code = ANY(${p.add(search.candidates)}::text[])`);
      break;
    case "seller": {
      if (search.sellerIds) {
        // Few sellers: their requests through the seller_id index, then a small sort. (The list and the
        // counts join the ids laterally instead — sellerIdsOutside — so the planner cannot pick a time scan.)
        if (opts.sellerIdsOutside && search.sellerIds.length > 0) break;
        conds.push(search.sellerIds.length ? `a.seller_id = ANY(${p.add(search.sellerIds)}::uuid[])` : "FALSE");
      } else {
        // Many sellers (a common name): matches are dense, so walking the time index and checking
        // each row's seller finds a page after a few thousand rows at most.
        const pat = p.add(search.pattern);
        conds.push(`a.seller_id IN (SELECT s2.id FROM sellers s2 WHERE s2.name ILIKE ${pat} OR s2.email ILIKE ${pat})`);
      }
      break;
    }
  }
  return conds;
}

// ───────────────────────── the list ─────────────────────────

export const LIST_COLUMNS = `a.id, a.reference, a.status::text AS status, a.created_at, a.updated_at, a.project_code,
  a.oauth_request_id, a.failure_stage, a.failure_http_status, a.failure_message,
  s.id AS seller_id, s.name AS seller_name, s.email AS seller_email`;

export interface ListRow {
  id: string;
  reference: string;
  status: AuthorizationStatus;
  created_at: Date;
  updated_at: Date;
  project_code: string | null;
  oauth_request_id: string | null;
  failure_stage: string | null;
  failure_http_status: number | null;
  failure_message: string | null;
  seller_id: string;
  seller_name: string;
  seller_email: string | null;
}

/**
 * One page (limit + 1 rows, to know whether there is more) in the scan direction. For a "before"
 * cursor the rows come back in reverse display order; `listAuthorizations` flips them.
 */
export function listQuery({
  filters,
  search,
  sort,
  cursor,
  fetch,
}: {
  filters: ListFilters;
  search: SearchPlan;
  sort: SortOrder;
  cursor: Cursor | undefined;
  fetch: number;
}): SqlQuery {
  const p = new Params();
  const conds = whereConditions(p, filters, search, { status: true, sellerIdsOutside: true });
  // Scan direction: display order, or its reverse when paging back.
  const descending = (sort === "newest") !== (cursor?.direction === "before");
  if (cursor) {
    const op = descending ? "<" : ">";
    conds.push(`(a.created_at, a.id) ${op} (${p.add(cursor.createdAt)}::timestamptz, ${p.add(cursor.id)}::uuid)`);
  }
  const dir = descending ? "DESC" : "ASC";
  const limit = p.add(fetch);
  const ids = narrowSellerIds(search);
  if (ids) {
    // Per matching seller, its first `fetch` (created_at, id) from the (seller_id, created_at, id, status)
    // index — index-only, no table access — then the top `fetch` of those, and only those rows are read.
    // Cost ∝ number of sellers (≤ MAX_SELLER_MATCHES) and page size, whatever the table size.
    const text = `SELECT ${LIST_COLUMNS}
FROM (
  SELECT k.id FROM unnest(${p.add(ids)}::uuid[]) AS m(seller_id)
  CROSS JOIN LATERAL (
    SELECT a.created_at, a.id FROM noon_authorizations a
    WHERE a.seller_id = m.seller_id${conds.length ? ` AND ${conds.join(" AND ")}` : ""}
    ORDER BY a.created_at ${dir}, a.id ${dir}
    LIMIT ${limit}
  ) k
  ORDER BY k.created_at ${dir}, k.id ${dir}
  LIMIT ${limit}
) top
JOIN noon_authorizations a ON a.id = top.id
JOIN sellers s ON s.id = a.seller_id
ORDER BY a.created_at ${dir}, a.id ${dir}`;
    return { text, values: p.values };
  }
  const text = `SELECT ${LIST_COLUMNS}
FROM noon_authorizations a JOIN sellers s ON s.id = a.seller_id
${conds.length ? `WHERE ${conds.join(" AND ")}` : ""}
ORDER BY a.created_at ${dir}, a.id ${dir}
LIMIT ${limit}`;
  return { text, values: p.values };
}

/** The resolved sellers of a narrow name search (non-empty), else undefined. */
function narrowSellerIds(search: SearchPlan): string[] | undefined {
  return search.mode === "seller" && search.sellerIds && search.sellerIds.length > 0 ? search.sellerIds : undefined;
}

/** What a counting query is built from: the filters, the resolved search, and the most it counts. */
type CountQueryOptions = { filters: ListFilters; search: SearchPlan; cap: number };

/** How many rows (up to `cap`) are newer than the given row: the list's "N new requests" banner. */
export function newerCountQuery({
  filters,
  search,
  since,
  cap,
}: CountQueryOptions & { since: { createdAt: Date; id: string } }): SqlQuery {
  const p = new Params();
  const conds = whereConditions(p, filters, search, { status: true });
  conds.push(`(a.created_at, a.id) > (${p.add(since.createdAt)}::timestamptz, ${p.add(since.id)}::uuid)`);
  return {
    text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM noon_authorizations a WHERE ${conds.join(" AND ")} LIMIT ${p.add(cap)}) x`,
    values: p.values,
  };
}

// ───────────────────────── counts ─────────────────────────

/**
 * Per status, the number of matching rows up to `cap` (the status filter itself is ignored: the counts
 * are the tabs above the list). Each is a LIMITed scan of (status, created_at, id), so the cost is bounded
 * by the cap, never by the table.
 */
export function statusCountsQuery({ filters, search, cap }: CountQueryOptions): SqlQuery {
  const p = new Params();
  const conds = whereConditions(p, filters, search, { status: false });
  const capParam = p.add(cap);
  const text = `SELECT st.status::text AS status,
  (SELECT count(*)::int FROM (
     SELECT 1 FROM noon_authorizations a
     WHERE a.status = st.status${conds.length ? ` AND ${conds.join(" AND ")}` : ""}
     LIMIT ${capParam}) x) AS n
FROM unnest(enum_range(NULL::noon_authorization_status)) AS st(status)`;
  return { text, values: p.values };
}

/**
 * Counts for a narrow set (one seller, or the few sellers a search matched): one pass over at most
 * `cap` rows through the seller_id index, grouped by status. `capped` rows = the counts are lower bounds.
 */
export function groupedStatusCountsQuery({ filters, search, cap }: CountQueryOptions): SqlQuery {
  const p = new Params();
  const conds = whereConditions(p, filters, search, { status: false, sellerIdsOutside: true });
  const ids = narrowSellerIds(search);
  if (ids) {
    const text = `SELECT x.status::text AS status, count(*)::int AS n
FROM (
  SELECT a.status FROM unnest(${p.add(ids)}::uuid[]) AS m(seller_id)
  CROSS JOIN LATERAL (SELECT a.status FROM noon_authorizations a WHERE a.seller_id = m.seller_id${conds.length ? ` AND ${conds.join(" AND ")}` : ""}) a
  LIMIT ${p.add(cap)}
) x
GROUP BY x.status`;
    return { text, values: p.values };
  }
  const text = `SELECT x.status::text AS status, count(*)::int AS n
FROM (SELECT a.status FROM noon_authorizations a${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""} LIMIT ${p.add(cap)}) x
GROUP BY x.status`;
  return { text, values: p.values };
}

/** Which counting strategy fits these filters (see the comment at the top of this file). */
export function countStrategy(filters: ListFilters, search: SearchPlan): "perStatus" | "grouped" | "none" {
  if (search.mode === "seller" && !search.sellerIds && !filters.sellerId) return "none";
  if (filters.sellerId || search.mode !== "none") return "grouped";
  return "perStatus";
}

/** The planner's estimate of rows per status (from ANALYZE): used only past the cap, unfiltered. */
export const STATUS_ESTIMATES_SQL = `SELECT m.v AS status, (m.f * GREATEST(c.reltuples, 0))::bigint::text AS n
FROM pg_stats st
CROSS JOIN LATERAL unnest(st.most_common_vals::text::text[], st.most_common_freqs) AS m(v, f)
CROSS JOIN (SELECT reltuples FROM pg_class WHERE oid = 'noon_authorizations'::regclass) c
WHERE st.schemaname = current_schema() AND st.tablename = 'noon_authorizations' AND st.attname = 'status'`;

export function hasFilters(filters: ListFilters, search: SearchPlan): boolean {
  return Boolean(filters.from || filters.to || filters.sellerId || search.mode !== "none");
}
