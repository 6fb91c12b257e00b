import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { isLocale, type Locale } from "@/lib/i18n/locales";

// Sellers and their onboarding links. The link token is 32 CSPRNG bytes (base64url) handed out once;
// only its SHA-256 is stored, so a database leak does not reveal working links. A link works until it
// expires, is revoked, or its seller connects (a reconnection needs a new link).

export const DEFAULT_LINK_TTL_DAYS = 7;
const MAX_LINK_TTL_DAYS = 90;

export type SellerSummary = { id: string; name: string; email: string | null; externalId: string | null };

export type OnboardingLinkSummary = {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  createdBy: string;
  revokedBy: string | null;
  lastUsedAt: Date | null;
  usedAt: Date | null;
  /** Derived at the time of the call; "used": the seller connected, so the link no longer works. */
  state: "active" | "expired" | "revoked" | "used";
};

export type LinkRejection = "unknown" | "expired" | "revoked" | "used";

type LinkLife = { expiresAt: Date; revokedAt: Date | null; usedAt: Date | null };

/** Why a link no longer works (revoked first: a staff decision), or null while it works. */
function linkProblem(link: LinkLife, now: Date): Exclude<LinkRejection, "unknown"> | null {
  if (link.revokedAt) return "revoked";
  if (link.usedAt) return "used";
  if (link.expiresAt <= now) return "expired";
  return null;
}

/** SHA-256 (hex) of a link token: what the database stores and is searched by. */
export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The public URL of an onboarding link token. */
export function onboardingUrl(token: string): string {
  return `${config().appUrl}/onboard/${token}`;
}

/**
 * Creates a seller, or finds the existing one when `externalId` is given and already known
 * (the caller's own id for the seller, so repeated calls from other systems are idempotent).
 * An existing seller keeps its name and e-mail.
 */
export async function createSeller(input: {
  name: string;
  email?: string | null;
  externalId?: string | null;
}): Promise<SellerSummary & { created: boolean }> {
  const name = input.name.trim();
  if (!name) throw new Error("createSeller: name is required");
  const email = input.email?.trim() || null;
  const externalId = input.externalId?.trim() || null;
  const select = { id: true, name: true, email: true, externalId: true } as const;
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

/**
 * Issues a fresh onboarding link for a seller. The token is returned here only: keep the URL, it
 * cannot be shown again. `createdBy` is "staff:<id>", "api-key:<id>" or "cli".
 */
export async function createOnboardingLink(input: {
  sellerId: string;
  createdBy: string;
  ttlDays?: number;
  /**
   * The seller's language: the link's pages open in it unless the seller picks another. Undefined: the
   * language of the seller's latest link; null: none (the seller's browser decides).
   */
  locale?: Locale | null;
}): Promise<{ url: string; token: string; expiresAt: Date; linkId: string }> {
  const ttlDays = input.ttlDays ?? DEFAULT_LINK_TTL_DAYS;
  if (!Number.isFinite(ttlDays) || ttlDays <= 0 || ttlDays > MAX_LINK_TTL_DAYS) {
    throw new Error(`createOnboardingLink: ttlDays must be between 0 and ${MAX_LINK_TTL_DAYS}`);
  }
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlDays * 24 * 60 * 60 * 1000);
  const locale =
    input.locale !== undefined
      ? input.locale
      : ((
          await db().onboardingLink.findFirst({
            where: { sellerId: input.sellerId },
            orderBy: { createdAt: "desc" },
            select: { locale: true },
          })
        )?.locale ?? null);
  const link = await db().onboardingLink.create({
    data: {
      sellerId: input.sellerId,
      tokenHash: hashLinkToken(token),
      expiresAt,
      createdBy: input.createdBy,
      locale: isLocale(locale) ? locale : null,
    },
    select: { id: true },
  });
  return { url: onboardingUrl(token), token, expiresAt, linkId: link.id };
}

export type ResolvedLink =
  | { ok: true; seller: SellerSummary; linkId: string; expiresAt: Date; locale: Locale | null }
  | { ok: false; reason: Exclude<LinkRejection, "used"> }
  /** The seller is named so their own browser (its session) can still be shown its connections. */
  | { ok: false; reason: "used"; sellerId: string };

/**
 * The seller behind a link token, or why the link does not work. `touch` records the visit
 * (lastUsedAt), for the dashboard. Malformed tokens are "unknown" without a query.
 */
export async function resolveOnboardingLink(
  token: string,
  opts: { touch?: boolean; now?: Date } = {},
): Promise<ResolvedLink> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: "unknown" };
  const now = opts.now ?? new Date();
  const link = await db().onboardingLink.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: {
      id: true,
      expiresAt: true,
      revokedAt: true,
      usedAt: true,
      locale: true,
      seller: { select: { id: true, name: true, email: true, externalId: true } },
    },
  });
  if (!link) return { ok: false, reason: "unknown" };
  const problem = linkProblem(link, now);
  if (problem === "used") return { ok: false, reason: problem, sellerId: link.seller.id };
  if (problem) return { ok: false, reason: problem };
  if (opts.touch) {
    await db().onboardingLink.update({ where: { id: link.id }, data: { lastUsedAt: now }, select: { id: true } });
  }
  return {
    ok: true,
    seller: link.seller,
    linkId: link.id,
    expiresAt: link.expiresAt,
    locale: isLocale(link.locale) ? link.locale : null,
  };
}

/** Whether a link id (kept in a seller's session) still works: not revoked, not used, not expired. */
export async function isOnboardingLinkActive(linkId: string, now = new Date()): Promise<boolean> {
  const link = await db().onboardingLink.findUnique({
    where: { id: linkId },
    select: { expiresAt: true, revokedAt: true, usedAt: true },
  });
  return !!link && linkProblem(link, now) === null;
}

type LinkWriter = {
  onboardingLink: {
    updateMany(args: {
      where: { sellerId: string; usedAt: null; revokedAt: null; createdAt: { lte: Date } };
      data: { usedAt: Date };
    }): PromiseLike<{ count: number }>;
  };
};

/**
 * The seller connected (Noon handed over a key for an authorization started at `startedAt`): every link of
 * the seller issued up to then stops working. Links issued after it (for a reconnection) keep working.
 */
export async function markSellerLinksUsed(
  tx: LinkWriter,
  input: { sellerId: string; startedAt: Date; now: Date },
): Promise<number> {
  const { count } = await tx.onboardingLink.updateMany({
    where: { sellerId: input.sellerId, usedAt: null, revokedAt: null, createdAt: { lte: input.startedAt } },
    data: { usedAt: input.now },
  });
  return count;
}

/**
 * Revokes a link at once (a seller holding it sees "revoked"). Returns false when the link is
 * unknown or was already revoked (the first revocation's author is kept).
 */
export async function revokeOnboardingLink(input: { linkId: string; revokedBy: string }): Promise<boolean> {
  const { count } = await db().onboardingLink.updateMany({
    where: { id: input.linkId, revokedAt: null },
    data: { revokedAt: new Date(), revokedBy: input.revokedBy },
  });
  return count === 1;
}

/** A seller's links, newest first (never the token or its hash). */
export async function listSellerLinks(sellerId: string, now = new Date()): Promise<OnboardingLinkSummary[]> {
  const links = await db().onboardingLink.findMany({
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
  });
  return links.map((l) => ({ ...l, state: onboardingLinkState(l, now) }));
}

/** A link's state for the dashboard: "active", or why it no longer works. */
export function onboardingLinkState(link: LinkLife, now = new Date()): OnboardingLinkSummary["state"] {
  return linkProblem(link, now) ?? "active";
}
