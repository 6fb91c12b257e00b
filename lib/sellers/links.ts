import "server-only";
import { randomBytes } from "node:crypto";
import { hashToken } from "@/lib/secrets/token-hash";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { isLocale, type Locale } from "@/lib/i18n/locales";
import { sellerSummarySelect, type SellerSummary } from "./sellers";

// Onboarding links. The link token is 32 CSPRNG bytes (base64url) handed out once;
// only its SHA-256 is stored, so a database leak does not reveal working links. A link works until it
// expires, is revoked, or its seller connects (a reconnection needs a new link).

export const DEFAULT_LINK_TTL_DAYS = 7;
const MAX_LINK_TTL_DAYS = 90;

/** Derived at the time of the call; "used": the seller connected, so the link no longer works. */
export type OnboardingLinkState = "active" | "expired" | "revoked" | "used";

export type OnboardingLinkSummary = {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  createdBy: string;
  revokedBy: string | null;
  lastUsedAt: Date | null;
  usedAt: Date | null;
  state: OnboardingLinkState;
};

/** Why a link token does not work. */
export type LinkRejection = "unknown" | Exclude<OnboardingLinkState, "active">;

/** The columns a link's state is derived from. */
const linkLifeSelect = { expiresAt: true, revokedAt: true, usedAt: true } as const;
type LinkLife = { expiresAt: Date; revokedAt: Date | null; usedAt: Date | null };

/** A link's state: "active", or why it no longer works (revoked first: a staff decision). */
export function onboardingLinkState(link: LinkLife, now = new Date()): OnboardingLinkState {
  if (link.revokedAt) return "revoked";
  if (link.usedAt) return "used";
  if (link.expiresAt <= now) return "expired";
  return "active";
}

/** The same "active" as a Prisma filter on links, for counting in the database. */
export function activeLinkWhere(now = new Date()) {
  return { revokedAt: null, usedAt: null, expiresAt: { gt: now } } as const;
}

/** SHA-256 (hex) of a link token: what the database stores and is searched by. */
export const hashLinkToken = hashToken;

/** The public URL of an onboarding link token. */
export function onboardingUrl(token: string): string {
  return `${config().appUrl}/onboard/${token}`;
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
}): Promise<{ url: string; token: string; expiresAt: Date; linkId: string; locale: Locale | null }> {
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
  return { url: onboardingUrl(token), token, expiresAt, linkId: link.id, locale: isLocale(locale) ? locale : null };
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
      ...linkLifeSelect,
      locale: true,
      seller: { select: sellerSummarySelect },
    },
  });
  if (!link) return { ok: false, reason: "unknown" };
  const state = onboardingLinkState(link, now);
  if (state === "used") return { ok: false, reason: state, sellerId: link.seller.id };
  if (state !== "active") return { ok: false, reason: state };
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
  const link = await db().onboardingLink.findUnique({ where: { id: linkId }, select: linkLifeSelect });
  return !!link && onboardingLinkState(link, now) === "active";
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

/** What a seller's link list shows (never the token or its hash). */
const linkSummarySelect = {
  id: true,
  createdAt: true,
  createdBy: true,
  revokedBy: true,
  lastUsedAt: true,
  ...linkLifeSelect,
} as const;

/** A seller's links, newest first, with their state at `now`. */
export async function listSellerLinks(sellerId: string, now = new Date()): Promise<OnboardingLinkSummary[]> {
  const links = await db().onboardingLink.findMany({
    where: { sellerId },
    orderBy: { createdAt: "desc" },
    select: linkSummarySelect,
  });
  return links.map((l) => ({ ...l, state: onboardingLinkState(l, now) }));
}
