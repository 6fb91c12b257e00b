import "server-only";
import { z } from "zod";
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";
import { searchTextSchema } from "@/lib/http/search-text";
import { activeLinkWhere } from "./links";
import type { SellerSummary } from "./sellers";

// The dashboard's sellers list: search by name, e-mail or external id; newest first; keyset pages.

export const sellerListParamsSchema = z.object({ q: searchTextSchema, cursor: searchTextSchema });

export interface SellerListItem extends SellerSummary {
  createdAt: Date;
  activeLinks: number;
  latestAuthorization: { status: string; createdAt: Date } | null;
}

const cursorOf = (row: { createdAt: Date; id: string }) =>
  Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
function parseCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) return null;
  return { createdAt, id };
}

export async function listSellersForDashboard({
  limit = 25,
  now = new Date(),
  ...params
}: z.output<typeof sellerListParamsSchema> & { limit?: number; now?: Date }): Promise<{
  rows: SellerListItem[];
  nextCursor: string | null;
}> {
  const and: Prisma.SellerWhereInput[] = [];
  if (params.q) {
    and.push({
      OR: [
        { name: { contains: params.q, mode: "insensitive" } },
        { email: { contains: params.q, mode: "insensitive" } },
        { externalId: params.q },
        ...(/^[0-9a-f-]{36}$/i.test(params.q) ? [{ id: params.q.toLowerCase() }] : []),
      ],
    });
  }
  const cursor = params.cursor ? parseCursor(params.cursor) : null;
  if (cursor)
    and.push({ OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] });
  const rows = await db().seller.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      name: true,
      email: true,
      externalId: true,
      createdAt: true,
      authorizations: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true, createdAt: true } },
      _count: { select: { links: { where: activeLinkWhere(now) } } },
    },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map(({ authorizations, _count, ...s }) => ({
      ...s,
      activeLinks: _count.links,
      latestAuthorization: authorizations[0] ?? null,
    })),
    nextCursor: rows.length > limit && last ? cursorOf(last) : null,
  };
}
