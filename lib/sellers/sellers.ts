import "server-only";
import { db } from "@/lib/db/client";

/** A seller as every page, list and flow names it. */
export type SellerSummary = { id: string; name: string; email: string | null; externalId: string | null };

/** The columns of a `SellerSummary`, for a Prisma `select` (alone or nested under a relation). */
export const sellerSummarySelect = { id: true, name: true, email: true, externalId: true } as const;

/** What a new seller is made of: the name, and optionally an e-mail and the caller's own id for it. */
export type NewSeller = { name: string; email?: string | null; externalId?: string | null };

/** Our ids are UUIDs: anything else is unknown without a query (PostgreSQL would refuse it). */
export const SELLER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates a seller, or finds the existing one when `externalId` is given and already known
 * (the caller's own id for the seller, so repeated calls from other systems are idempotent).
 * An existing seller keeps its name and e-mail.
 */
export async function createSeller(input: NewSeller): Promise<SellerSummary & { created: boolean }> {
  const name = input.name.trim();
  if (!name) throw new Error("createSeller: name is required");
  const email = input.email?.trim() || null;
  const externalId = input.externalId?.trim() || null;
  const select = sellerSummarySelect;
  if (externalId) {
    const existing = await db().seller.findUnique({ where: { externalId }, select });
    if (existing) return { ...existing, created: false };
    try {
      const seller = await db().seller.create({ data: { name, email, externalId }, select });
      return { ...seller, created: true };
    } catch (error) {
      // Two concurrent calls with one externalId: the loser finds the winner's seller.
      if ((error as { code?: unknown }).code !== "P2002") throw error;
      const winner = await db().seller.findUnique({ where: { externalId }, select });
      if (!winner) throw error;
      return { ...winner, created: false };
    }
  }
  const seller = await db().seller.create({ data: { name, email }, select });
  return { ...seller, created: true };
}

/** One seller by our id (anything that is not an id is unknown); null when there is none. */
export async function getSellerSummary(sellerId: string): Promise<SellerSummary | null> {
  if (!SELLER_ID.test(sellerId)) return null;
  return db().seller.findUnique({ where: { id: sellerId }, select: sellerSummarySelect });
}
