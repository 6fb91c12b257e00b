// The support list's logic over any SQL executor: the app passes Prisma (lib/support/queries.ts),
// the benchmark passes a plain pg pool, so both run exactly the same statements in the same order.
// No "server-only" and no database client here on purpose.
import {
  AUTHORIZATION_STATUSES,
  COUNT_CAP,
  EXACT_UNFILTERED_UP_TO,
  MAX_LIMIT,
  MAX_SELLER_MATCHES,
  STATUS_ESTIMATES_SQL,
  countStrategy,
  decodeCursor,
  encodeCursor,
  groupedStatusCountsQuery,
  hasFilters,
  listQuery,
  newerCountQuery,
  planSearch,
  projectCodeProbe,
  sellerMatchesQuery,
  sellerSearch,
  statusCountsQuery,
  type AuthorizationStatus,
  type ListFilters,
  type ListOptions,
  type ListRow,
  type Cursor,
  type SearchPlan,
  type SortOrder,
  type SqlQuery,
} from "@/lib/support/sql";

/** Runs one parameterised statement and returns its rows. */
export type Exec = <T>(query: SqlQuery) => Promise<T[]>;

export interface AuthorizationListItem {
  id: string;
  reference: string;
  status: AuthorizationStatus;
  createdAt: Date;
  updatedAt: Date;
  projectCode: string | null;
  oauthRequestId: string | null;
  failureStage: string | null;
  failureHttpStatus: number | null;
  failureMessage: string | null;
  seller: { id: string; name: string; email: string | null };
}

export interface AuthorizationPage {
  items: AuthorizationListItem[];
  /** Cursor for the following page in the chosen order, or null at the end. */
  nextCursor: string | null;
  /** Cursor for the preceding page, or null on the first page. */
  prevCursor: string | null;
  /** How the search box input was understood. */
  search: { mode: SearchPlan["mode"]; value: string };
}

function toItem(row: ListRow): AuthorizationListItem {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    projectCode: row.project_code,
    oauthRequestId: row.oauth_request_id,
    failureStage: row.failure_stage,
    failureHttpStatus: row.failure_http_status === null ? null : Number(row.failure_http_status),
    failureMessage: row.failure_message,
    seller: { id: row.seller_id, name: row.seller_name, email: row.seller_email },
  };
}

/** Turns the search box input into a plan, probing the project-code index for code-shaped input. */
export async function resolveSearchWith(run: Exec, q: string | undefined): Promise<SearchPlan> {
  let plan = planSearch(q);
  if (plan.mode === "projectCode") {
    const [probe] = await run<{ found: boolean }>(projectCodeProbe(plan.candidates));
    if (probe?.found) return plan;
    plan = sellerSearch(plan.value);
  }
  if (plan.mode !== "seller") return plan;
  // One or two characters match a large share of sellers (and pg_trgm reads long posting lists for them):
  // answered as a broad search straight away.
  if (plan.prefix) return plan;
  // A name search matching few sellers is answered through their ids; a broad one by the time index.
  const matches = await run<{ id: string }>(sellerMatchesQuery(plan.pattern, MAX_SELLER_MATCHES + 1));
  return matches.length <= MAX_SELLER_MATCHES ? { ...plan, sellerIds: matches.map((m) => m.id) } : plan;
}

/**
 * One page of authorization requests, newest (or oldest) first, after/before the cursor.
 * Stable under new arrivals: a page is defined by the (created_at, id) it continues from, not by an offset.
 */
export async function listAuthorizationsWith(
  run: Exec,
  { resolvedSearch: resolved, ...options }: ListOptions & { resolvedSearch?: SearchPlan },
): Promise<AuthorizationPage> {
  const limit = Math.min(Math.max(1, Math.trunc(options.limit) || 50), MAX_LIMIT);
  const search = resolved ?? (await resolveSearchWith(run, options.q));
  const cursor = decodeCursor(options.cursor);
  const rows = await run<ListRow>(
    listQuery({ filters: options, search, sort: options.sort, cursor, fetch: limit + 1 }),
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const backwards = cursor?.direction === "before";
  if (backwards) page.reverse();
  const items = page.map(toItem);
  const first = items[0];
  const last = items[items.length - 1];
  // Going forward: "previous" exists when we came from a cursor. Going back: "next" always exists (we came from it).
  const hasNext = backwards ? Boolean(cursor) : hasMore;
  const hasPrev = backwards ? hasMore : Boolean(cursor);
  return {
    items,
    nextCursor: hasNext && last ? encodeCursor({ direction: "after", createdAt: last.createdAt, id: last.id }) : null,
    prevCursor:
      hasPrev && first ? encodeCursor({ direction: "before", createdAt: first.createdAt, id: first.id }) : null,
    search: { mode: search.mode, value: search.mode === "none" ? "" : search.value },
  };
}

export interface StatusCount {
  status: AuthorizationStatus;
  /** null: not counted (a broad name search); otherwise exact when `exact`, else a lower bound or an estimate. */
  count: number | null;
  exact: boolean;
  estimated: boolean;
}

/**
 * Requests per status for the current filters (the status filter itself aside). Never a count over the
 * whole table: bounded per status (unfiltered, time range) or in one bounded pass (seller, narrow search).
 */
export async function countAuthorizationsByStatusWith(
  run: Exec,
  { resolvedSearch: resolved, ...filters }: Omit<ListFilters, "status"> & { resolvedSearch?: SearchPlan },
): Promise<StatusCount[]> {
  const search = resolved ?? (await resolveSearchWith(run, filters.q));
  const strategy = countStrategy(filters, search);
  if (strategy === "none")
    return AUTHORIZATION_STATUSES.map((status) => ({ status, count: null, exact: false, estimated: false }));

  if (strategy === "grouped") {
    const rows = await run<{ status: AuthorizationStatus; n: number }>(
      groupedStatusCountsQuery({ filters, search, cap: COUNT_CAP }),
    );
    const counts = new Map(rows.map((r) => [r.status, Number(r.n)]));
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const exact = total < COUNT_CAP;
    return AUTHORIZATION_STATUSES.map((status) => ({
      status,
      count: counts.get(status) ?? 0,
      exact,
      estimated: false,
    }));
  }

  // Unfiltered, large statuses are shown as estimates anyway: exact counting stops early there.
  const unfiltered = !hasFilters(filters, search);
  const cap = unfiltered ? EXACT_UNFILTERED_UP_TO : COUNT_CAP;
  const rows = await run<{ status: AuthorizationStatus; n: number }>(statusCountsQuery({ filters, search, cap }));
  const bounded = new Map(rows.map((r) => [r.status, Number(r.n)]));
  const capped = [...bounded.values()].some((n) => n >= cap);
  let estimates = new Map<string, number>();
  if (capped && unfiltered) {
    const est = await run<{ status: string; n: string }>({ text: STATUS_ESTIMATES_SQL, values: [] });
    estimates = new Map(est.map((r) => [r.status, Number(r.n)]));
  }
  return AUTHORIZATION_STATUSES.map((status) => {
    const n = bounded.get(status) ?? 0;
    if (n < cap) return { status, count: n, exact: true, estimated: false };
    const estimate = estimates.get(status);
    return estimate !== undefined && estimate > n
      ? { status, count: estimate, exact: false, estimated: true }
      : { status, count: n, exact: false, estimated: false };
  });
}

/** How many requests matching the filters arrived after the given list cursor (capped): the list's live banner. */
export async function countNewerAuthorizationsWith(
  run: Exec,
  { filters, sinceCursor, cap = 100 }: { filters: ListFilters; sinceCursor: string; cap?: number },
): Promise<number> {
  const since = decodeCursor(sinceCursor);
  if (!since) return 0;
  const search = await resolveSearchWith(run, filters.q);
  const [row] = await run<{ n: number }>(newerCountQuery({ filters, search, since, cap }));
  return Number(row?.n ?? 0);
}

/** The cursor that marks "now" for the live banner: the newest row currently matching. */
export function newestMarker(item: AuthorizationListItem | undefined): string | null {
  return item ? encodeCursor({ direction: "after", createdAt: item.createdAt, id: item.id }) : null;
}

/** Rows per round trip of the export; each batch continues from the last row's (created_at, id). */
export const EXPORT_BATCH = 1000;

/**
 * Every request matching the filters, in list order, batch by batch (keyset, like the pages): memory
 * stays flat and a consumer that stops reading stops the queries.
 */
export async function* exportRowsWith(
  run: Exec,
  { filters, sort, maxRows }: { filters: ListFilters; sort: SortOrder; maxRows: number },
): AsyncGenerator<ListRow[]> {
  const search = await resolveSearchWith(run, filters.q);
  let cursor: Cursor | undefined;
  let sent = 0;
  while (sent < maxRows) {
    const rows = await run<ListRow>(
      listQuery({ filters, search, sort, cursor, fetch: Math.min(EXPORT_BATCH, maxRows - sent) }),
    );
    if (!rows.length) return;
    yield rows;
    sent += rows.length;
    const last = rows[rows.length - 1];
    if (!last || rows.length < EXPORT_BATCH) return;
    cursor = { direction: "after", createdAt: new Date(last.created_at), id: last.id };
  }
}
