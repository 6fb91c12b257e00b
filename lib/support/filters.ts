// The requests list's filters live in the URL (?status=failed&from=2026-11-01&to=2026-11-28&q=…&sort=oldest),
// so a view can be shared by link. Parsed leniently: an invalid value is dropped, never an error page.
import { z } from "zod";
import {
  AUTHORIZATION_STATUSES,
  MAX_SEARCH_LENGTH,
  type AuthorizationStatus,
  type ListOptions,
  type SortOrder,
} from "@/lib/support/sql";

export interface ListParams {
  status?: AuthorizationStatus;
  /** YYYY-MM-DD, inclusive (UTC). */
  from?: string;
  /** YYYY-MM-DD, inclusive (UTC). */
  to?: string;
  seller?: string;
  q?: string;
  sort: SortOrder;
  cursor?: string;
  limit: number;
}

export const DEFAULT_PAGE_SIZE = 50;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));
const statusParam = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(AUTHORIZATION_STATUSES));

type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

function pick(raw: RawParams, key: string): string | undefined {
  const value = raw instanceof URLSearchParams ? (raw.get(key) ?? undefined) : raw[key];
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

function parseOr<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function parseListParams(raw: RawParams): ListParams {
  const limit = parseOr(z.coerce.number().int().min(10).max(200), pick(raw, "limit")) ?? DEFAULT_PAGE_SIZE;
  return {
    status: parseOr(statusParam, pick(raw, "status")),
    from: parseOr(day, pick(raw, "from")),
    to: parseOr(day, pick(raw, "to")),
    seller: parseOr(z.uuid(), pick(raw, "seller")),
    q: pick(raw, "q")?.slice(0, MAX_SEARCH_LENGTH),
    sort: pick(raw, "sort") === "oldest" ? "oldest" : "newest",
    cursor: parseOr(z.string().max(80), pick(raw, "cursor")),
    limit,
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** URL parameters → the query options of `listAuthorizations` (days are UTC; `to` includes its whole day). */
export function toListOptions(params: ListParams): ListOptions {
  return {
    status: params.status,
    from: params.from ? new Date(`${params.from}T00:00:00Z`) : undefined,
    to: params.to ? new Date(Date.parse(`${params.to}T00:00:00Z`) + DAY_MS) : undefined,
    sellerId: params.seller,
    q: params.q,
    sort: params.sort,
    cursor: params.cursor,
    limit: params.limit,
  };
}

/** The query string for these parameters with some replaced (undefined removes one). */
export function listQueryString(
  params: ListParams,
  changes: Partial<Record<keyof ListParams, string | number | undefined>> = {},
): string {
  const merged: Record<string, string | number | undefined> = {
    status: params.status?.toLowerCase(),
    from: params.from,
    to: params.to,
    seller: params.seller,
    q: params.q,
    sort: params.sort === "newest" ? undefined : params.sort,
    cursor: params.cursor,
    limit: params.limit === DEFAULT_PAGE_SIZE ? undefined : params.limit,
    ...changes,
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const STATUS_LABELS: Record<AuthorizationStatus, string> = {
  STARTED: "Started",
  DECLINED: "Declined",
  REJECTED: "Rejected",
  FAILED: "Failed",
  PENDING_KEY_STORAGE: "Pending key storage",
  COMPLETED: "Completed",
  EXPIRED: "Expired",
  SUPERSEDED: "Superseded",
};
