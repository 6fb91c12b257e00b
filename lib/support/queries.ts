import "server-only";
// What support reads: the requests list (keyset pages, filters, search, counts), one request's whole
// story, and one seller's requests, credentials and links. Never a secret value: credentials are shown
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
import { onboardingLinkState, type OnboardingLinkSummary } from "@/lib/sellers";
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
export function listAuthorizations(options: ListOptions, resolved?: SearchPlan): Promise<AuthorizationPage> {
  return listAuthorizationsWith(exec, options, resolved);
}

/** Requests per status for the current filters (the status filter aside); never a whole-table count. */
export function countAuthorizationsByStatus(
  filters: Omit<ListFilters, "status">,
  resolved?: SearchPlan,
): Promise<StatusCount[]> {
  return countAuthorizationsByStatusWith(exec, filters, resolved);
}

/** How many requests matching the filters arrived after the given list cursor (capped): the live banner. */
export function countNewerAuthorizations(filters: ListFilters, sinceCursor: string, cap = 100): Promise<number> {
  return countNewerAuthorizationsWith(exec, filters, sinceCursor, cap);
}

/** The most rows one export returns (a million: the whole table at the scale we measure). */
export const EXPORT_MAX_ROWS = 1_000_000;

/**
 * The filtered list as CSV, streamed: rows are read in keyset batches only as fast as the client
 * takes them (a pull stream), and the query stops when the client goes away.
 */
export function exportAuthorizationsCsv(filters: ListFilters, sort: SortOrder): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = exportRowsWith(exec, filters, sort, EXPORT_MAX_ROWS);
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

export interface CredentialSummary {
  id: string;
  authorizationId: string;
  status: "PENDING_STORAGE" | "ACTIVE" | "SUPERSEDED";
  projectCode: string;
  keyId: string;
  channelIdentifier: string | null;
  issuedAt: Date | null;
  /** Where the private key lives in the secret store (a reference, never the value). */
  secretName: string;
  secretArn: string | null;
  secretVersionId: string | null;
  storedAt: Date | null;
  supersededAt: Date | null;
  createdAt: Date;
  lastVerifiedAt: Date | null;
  lastVerificationResult: "OK" | "REJECTED" | "UNREACHABLE" | "MISSING" | null;
  lastVerificationStatus: number | null;
  lastVerificationMessage: string | null;
  needsReconnectAt: Date | null;
  nextVerificationAt: Date | null;
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
  seller: { id: string; name: string; email: string | null; externalId: string | null };
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

const credentialSelect = {
  id: true,
  authorizationId: true,
  status: true,
  projectCode: true,
  keyId: true,
  channelIdentifier: true,
  issuedAt: true,
  secretName: true,
  secretArn: true,
  secretVersionId: true,
  storedAt: true,
  supersededAt: true,
  createdAt: true,
  lastVerifiedAt: true,
  lastVerificationResult: true,
  lastVerificationStatus: true,
  lastVerificationMessage: true,
  needsReconnectAt: true,
  nextVerificationAt: true,
} as const;

/** One request with its seller, timeline, failure and credential reference; null when there is none. */
export async function getAuthorizationDetail(id: string): Promise<AuthorizationDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const a = await db().noonAuthorization.findUnique({
    where: { id },
    include: {
      seller: { select: { id: true, name: true, email: true, externalId: true } },
      events: { orderBy: { id: "asc" } },
      credential: { select: credentialSelect },
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

// ───────────────────────── one seller ─────────────────────────

export type SellerLinkSummary = OnboardingLinkSummary;

export interface SellerDetail {
  seller: { id: string; name: string; email: string | null; externalId: string | null; createdAt: Date };
  requests: {
    id: string;
    reference: string;
    status: AuthorizationStatus;
    createdAt: Date;
    projectCode: string | null;
    failureStage: string | null;
  }[];
  /** True when the seller has more requests than shown (the list page filtered by seller shows them all). */
  moreRequests: boolean;
  credentials: CredentialSummary[];
  links: SellerLinkSummary[];
}

const SELLER_REQUESTS_SHOWN = 50;

export async function getSellerDetail(sellerId: string): Promise<SellerDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(sellerId)) return null;
  const seller = await db().seller.findUnique({
    where: { id: sellerId },
    select: { id: true, name: true, email: true, externalId: true, createdAt: true },
  });
  if (!seller) return null;
  const [requests, credentials, links] = await Promise.all([
    db().noonAuthorization.findMany({
      where: { sellerId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: SELLER_REQUESTS_SHOWN + 1,
      select: { id: true, reference: true, status: true, createdAt: true, projectCode: true, failureStage: true },
    }),
    db().sellerCredential.findMany({ where: { sellerId }, orderBy: { createdAt: "desc" }, select: credentialSelect }),
    db().onboardingLink.findMany({
      where: { sellerId },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        createdAt: true,
        expiresAt: true,
        revokedAt: true,
        createdBy: true,
        revokedBy: true,
        lastUsedAt: true,
        usedAt: true,
      },
    }),
  ]);
  const now = new Date();
  return {
    seller,
    requests: requests.slice(0, SELLER_REQUESTS_SHOWN),
    moreRequests: requests.length > SELLER_REQUESTS_SHOWN,
    credentials,
    links: links.map((l) => ({ ...l, state: onboardingLinkState(l, now) })),
  };
}

/** The seller's name for the "requests of seller …" filter label; null when unknown. */
export async function getSellerLabel(
  sellerId: string,
): Promise<{ id: string; name: string; email: string | null } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(sellerId)) return null;
  return db().seller.findUnique({ where: { id: sellerId }, select: { id: true, name: true, email: true } });
}
