import "server-only";
// What GET /api/v1/sellers and /api/v1/sellers/{id} answer: sellers with their Noon credentials (by
// reference) and latest authorization, and the change feed a backend syncs from (README: "The sync order").
import { z } from "zod";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import type { SellerListQuery, SellerPage, SellerView } from "@/lib/api-v1/schemas";
import { sellerConnectionState } from "./connection";
import { authorizationSelect, authorizationSummaryView, credentialSelect, credentialView } from "@/lib/api-v1/views";

const sellerSelect = {
  id: true,
  externalId: true,
  name: true,
  email: true,
  createdAt: true,
  updatedAt: true,
  credentials: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: credentialSelect },
  authorizations: { orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: authorizationSelect },
} satisfies Prisma.SellerSelect;

async function loadSellers(ids: string[]): Promise<Map<string, SellerView>> {
  const rows = await db().seller.findMany({ where: { id: { in: ids } }, select: sellerSelect });
  return new Map(
    rows.map((s) => {
      const current = s.credentials.find((c) => c.status === "ACTIVE") ?? null;
      const pending = s.credentials.find((c) => c.status === "PENDING_STORAGE") ?? null;
      const latest = s.authorizations[0] ?? null;
      const view: SellerView = {
        id: s.id,
        externalId: s.externalId,
        name: s.name,
        email: s.email,
        createdAt: s.createdAt.toISOString(),
        updatedAt: s.updatedAt.toISOString(),
        connected: sellerConnectionState(s.credentials) === "connected",
        currentCredential: current ? credentialView(current) : null,
        pendingCredential: pending ? credentialView(pending) : null,
        supersededCredentials: s.credentials.filter((c) => c.status === "SUPERSEDED").map(credentialView),
        latestAuthorization: latest ? authorizationSummaryView(latest) : null,
      };
      return [s.id, view] as const;
    }),
  );
}

/** One seller by our id; 400 for something that is not an id, 404 for an unknown one. */
export async function getSellerForApi(id: string): Promise<SellerView> {
  if (!z.uuid().safeParse(id).success) {
    throw new AppError(
      "BAD_REQUEST",
      "A seller id is the UUID this service gave the seller. To find a seller by your own id, use GET /api/v1/sellers?externalId=….",
    );
  }
  const seller = (await loadSellers([id.toLowerCase()])).get(id.toLowerCase());
  if (!seller) throw new AppError("NOT_FOUND", `No seller has the id ${id}.`);
  return seller;
}

// ───────────────────────── The change feed ─────────────────────────

/** Where a listing stands: after (xid, id) in change order, with the filters it was started with. */
const cursorSchema = z.object({
  v: z.literal(1),
  x: z.string().regex(/^\d{1,19}$/),
  i: z.uuid(),
  s: z.iso.datetime().nullable(),
  e: z.string().nullable(),
});
type Cursor = z.output<typeof cursorSchema>;

const START = { x: "0", i: "00000000-0000-0000-0000-000000000000" };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

function decodeCursor(text: string): Cursor {
  let json: unknown = null;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    // Not ours: answered below.
  }
  const parsed = cursorSchema.safeParse(json);
  if (!/^[A-Za-z0-9_-]+$/.test(text) || !parsed.success) {
    throw new AppError(
      "BAD_REQUEST",
      "The cursor is not one this API gave out: pass nextCursor exactly as it was given, or leave cursor out to start over.",
    );
  }
  return parsed.data;
}

/**
 * True when a cursor points past every transaction this database has started: only possible after a
 * restore from a logical dump into another cluster, where transaction ids start again lower.
 */
async function cursorIsAheadOfDatabase(xid: string): Promise<boolean> {
  const [row] = await db().$queryRaw<{ ahead: boolean }[]>`
    SELECT ${xid}::bigint >= (pg_snapshot_xmax(pg_current_snapshot()))::text::bigint AS ahead`;
  return row?.ahead === true;
}

/**
 * One page of the change feed: sellers in the order of their last change (the changing transaction's
 * id, then the seller id), after the cursor. Only rows whose transaction ended before every
 * still-running writer began are returned, so a change committed late (by a transaction that began
 * early) is never behind a cursor already handed out: it can be late, never skipped. A seller changed
 * again moves to the end and appears again; the last time it appears is its current state.
 */
export async function listSellersForApi(query: SellerListQuery): Promise<SellerPage> {
  const incoming = query.cursor ? decodeCursor(query.cursor) : null;
  const since = query.updatedSince ? new Date(query.updatedSince).toISOString() : null;
  const externalId = query.externalId ?? null;
  if (
    incoming &&
    ((query.updatedSince !== undefined && incoming.s !== since) ||
      (query.externalId !== undefined && incoming.e !== externalId))
  ) {
    throw new AppError(
      "BAD_REQUEST",
      "This cursor was given for other filters: repeat the same updatedSince and externalId as the first page (or leave them out).",
    );
  }
  const filters = { s: incoming ? incoming.s : since, e: incoming ? incoming.e : externalId };
  if (incoming && (await cursorIsAheadOfDatabase(incoming.x))) {
    throw new AppError(
      "CONFLICT",
      "This cursor is ahead of the database's transaction counter: the database was restored or moved since it was given. Start a new sync (leave cursor out, or set updatedSince a little before your last sync).",
    );
  }
  const from = incoming ?? { ...START, ...filters };

  // Each filter adds its condition only when given (one plan per shape). updatedSince also bounds the
  // scan from below: no row changed since then has an older change_xid than the oldest such row.
  const sinceFilter = filters.s
    ? Prisma.sql`AND updated_at >= ${filters.s}::timestamptz
       AND change_xid >= (SELECT coalesce(min(change_xid), 0) FROM sellers WHERE updated_at >= ${filters.s}::timestamptz)`
    : Prisma.empty;
  const externalIdFilter = filters.e ? Prisma.sql`AND external_id = ${filters.e}` : Prisma.empty;
  const rows = await db().$queryRaw<{ id: string; x: string }[]>`
    SELECT id::text AS id, change_xid::text AS x
      FROM sellers
     WHERE (change_xid, id) > (${from.x}::bigint, ${from.i}::uuid)
       AND change_xid < (pg_snapshot_xmin(pg_current_snapshot()))::text::bigint
       ${sinceFilter}
       ${externalIdFilter}
     ORDER BY change_xid, id
     LIMIT ${query.limit + 1}`;
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const sellers = page.length ? await loadSellers(page.map((r) => r.id)) : new Map<string, SellerView>();
  return {
    // A seller removed between the two reads is left out.
    data: page.flatMap((r) => sellers.get(r.id) ?? []),
    nextCursor: encodeCursor(
      last ? { v: 1, x: last.x, i: last.id, ...filters } : { v: 1, x: from.x, i: from.i, ...filters },
    ),
    hasMore: rows.length > query.limit,
  };
}
