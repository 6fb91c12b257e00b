import "server-only";
// What support reads: the requests list (keyset pages, filters, search, counts) and one request's whole
// story (a seller's own page reads lib/sellers/detail.ts). Never a secret value: credentials are shown
// by their secret-store reference (name, ARN, version), hashes are omitted by the client.
import { db } from "@/lib/db/client";
import {
  IN_PROGRESS_STATUSES,
  type AuthorizationStatus,
  type ListFilters,
  type ListOptions,
  type SearchPlan,
  type SortOrder,
  type SqlQuery,
} from "@/lib/support/sql";
import { csvHeader, csvRow } from "@/lib/support/csv";
import {
  credentialSummarySelect,
  sellerSummarySelect,
  type CredentialSummary,
  type SellerSummary,
} from "@/lib/sellers";
import {
  countAuthorizationsByStatusWith,
  exportRowsWith,
  countNewerAuthorizationsWith,
  listAuthorizationsWith,
  resolveSearchWith,
  type AuthorizationPage,
  type Exec,
  type StatusCount,
} from "@/lib/support/core";

export type { AuthorizationListItem, AuthorizationPage, StatusCount } from "@/lib/support/core";
export { newestMarker } from "@/lib/support/core";

export type { AuthorizationStatus, ListFilters, ListOptions, SortOrder } from "@/lib/support/sql";
export { AUTHORIZATION_STATUSES, IN_PROGRESS_STATUSES } from "@/lib/support/sql";

async function run<T>(query: SqlQuery): Promise<T[]> {
  return db().$queryRawUnsafe<T[]>(query.text, ...query.values);
}
const exec: Exec = run;

/** Turns the search box input into a plan (probing the project-code index, resolving matching sellers). */
export function resolveSearch(q: string | undefined): Promise<SearchPlan> {
  return resolveSearchWith(exec, q);
}

/**
 * One page of authorization requests, newest (or oldest) first, after/before the cursor.
 * Stable under new arrivals: a page is defined by the (created_at, id) it continues from, not by an offset.
 */
export function listAuthorizations(options: ListOptions & { resolvedSearch?: SearchPlan }): Promise<AuthorizationPage> {
  return listAuthorizationsWith(exec, options);
}

/** Requests per status for the current filters (the status filter aside); never a whole-table count. */
export function countAuthorizationsByStatus(
  filters: Omit<ListFilters, "status"> & { resolvedSearch?: SearchPlan },
): Promise<StatusCount[]> {
  return countAuthorizationsByStatusWith(exec, filters);
}

/** How many requests matching the filters arrived after the given list cursor (capped): the live banner. */
export function countNewerAuthorizations(options: {
  filters: ListFilters;
  sinceCursor: string;
  cap?: number;
}): Promise<number> {
  return countNewerAuthorizationsWith(exec, options);
}

/** The most rows one export returns (a million: the whole table at the scale we measure). */
export const EXPORT_MAX_ROWS = 1_000_000;

/**
 * The filtered list as CSV, streamed: rows are read in keyset batches only as fast as the client
 * takes them (a pull stream), and the query stops when the client goes away.
 */
export function exportAuthorizationsCsv(filters: ListFilters, sort: SortOrder): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = exportRowsWith(exec, { filters, sort, maxRows: EXPORT_MAX_ROWS });
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvHeader()));
        return;
      }
      const next = await batches.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map(csvRow).join("")));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}

// ───────────────────────── one request ─────────────────────────

export interface TimelineEvent {
  id: string;
  type: string;
  at: Date;
  /** Milliseconds since the previous event (null for the first). */
  sincePreviousMs: number | null;
  stage: string | null;
  httpStatus: number | null;
  message: string | null;
  /** Non-secret details, with anything that looks like a credential field removed as a second line of defence. */
  details: Record<string, string>;
}

export interface AuthorizationDetail {
  id: string;
  reference: string;
  status: AuthorizationStatus;
  inProgress: boolean;
  createdAt: Date;
  updatedAt: Date;
  callbackAt: Date | null;
  completedAt: Date | null;
  stateExpiresAt: Date;
  projectCode: string | null;
  oauthRequestId: string | null;
  failure: { stage: string | null; httpStatus: number | null; message: string | null } | null;
  seller: SellerSummary;
  events: TimelineEvent[];
  credential: CredentialSummary | null;
  otherRequests: { id: string; reference: string; status: AuthorizationStatus; createdAt: Date }[];
}

const SECRETISH_KEY = /secret|token|private|password|passphrase|pem|^code$|^state$|authorization|cookie/i;

function safeDetails(details: unknown): Record<string, string> {
  if (!details || typeof details !== "object" || Array.isArray(details)) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (SECRETISH_KEY.test(key)) continue;
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) out[key] = String(value);
  }
  return out;
}

/** One request with its seller, timeline, failure and credential reference; null when there is none. */
export async function getAuthorizationDetail(id: string): Promise<AuthorizationDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const a = await db().noonAuthorization.findUnique({
    where: { id },
    include: {
      seller: { select: sellerSummarySelect },
      events: { orderBy: { id: "asc" } },
      credential: { select: credentialSummarySelect },
    },
  });
  if (!a) return null;
  const others = await db().noonAuthorization.findMany({
    where: { sellerId: a.sellerId, id: { not: a.id } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 20,
    select: { id: true, reference: true, status: true, createdAt: true },
  });
  let previous: Date | null = null;
  const events: TimelineEvent[] = a.events.map((e) => {
    const sincePreviousMs = previous ? e.at.getTime() - previous.getTime() : null;
    previous = e.at;
    return {
      id: e.id.toString(),
      type: e.type,
      at: e.at,
      sincePreviousMs,
      stage: e.stage,
      httpStatus: e.httpStatus,
      message: e.message,
      details: safeDetails(e.details),
    };
  });
  const failed = a.failureStage !== null || a.failureHttpStatus !== null || a.failureMessage !== null;
  return {
    id: a.id,
    reference: a.reference,
    status: a.status,
    inProgress: IN_PROGRESS_STATUSES.includes(a.status),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    callbackAt: a.callbackAt,
    completedAt: a.completedAt,
    stateExpiresAt: a.stateExpiresAt,
    projectCode: a.projectCode,
    oauthRequestId: a.oauthRequestId,
    failure: failed ? { stage: a.failureStage, httpStatus: a.failureHttpStatus, message: a.failureMessage } : null,
    seller: a.seller,
    events,
    credential: a.credential,
    otherRequests: others,
  };
}

export interface AuthorizationProgress {
  status: AuthorizationStatus;
  inProgress: boolean;
  updatedAt: string;
  events: number;
}

/** The few fields the detail page polls while the request is in progress. */
export async function getAuthorizationProgress(id: string): Promise<AuthorizationProgress | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const a = await db().noonAuthorization.findUnique({
    where: { id },
    select: { status: true, updatedAt: true, _count: { select: { events: true } } },
  });
  if (!a) return null;
  return {
    status: a.status,
    inProgress: IN_PROGRESS_STATUSES.includes(a.status),
    updatedAt: a.updatedAt.toISOString(),
    events: a._count.events,
  };
}
