import "server-only";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { db } from "@/lib/db/client";
import type { Locale } from "@/lib/i18n/locales";
import { createOnboardingLink } from "./links";
import { createSeller, getSellerSummary, type NewSeller, type SellerSummary } from "./sellers";

// The audited seller flows every caller uses (the dashboard's actions, POST /api/v1/onboarding-links,
// `npm run seller:link`): each change is written with its audit event, by whoever made it.

/** Who issues or revokes a link: named on the link (createdBy, revokedBy) and in the audit trail. */
export type LinkActor =
  | { type: "staff"; id: string; email: string; ip: string | null }
  | { type: "api-key"; id: string; prefix: string; ip: string | null }
  | { type: "cli" };

function auditActor(by: LinkActor): AuditActor {
  switch (by.type) {
    case "staff":
      return { type: "staff", id: by.id, label: by.email };
    case "api-key":
      return { type: "api-key", id: by.id, label: by.prefix };
    case "cli":
      return { type: "system", label: "npm run seller:link" };
  }
}

/** How a link records its author: "staff:<id>", "api-key:<id>" or "cli". */
function linkAuthor(by: LinkActor): string {
  return by.type === "cli" ? "cli" : `${by.type}:${by.id}`;
}

const ipOf = (by: LinkActor) => (by.type === "cli" ? null : by.ip);

export type IssuedLink = {
  seller: SellerSummary & { created: boolean };
  linkId: string;
  /** The link, shown once: only its hash is stored. */
  url: string;
  token: string;
  expiresAt: Date;
};

/**
 * The seller's language for a link's pages: a language, null (the seller's browser decides), or undefined
 * (the language of the seller's latest link).
 */
type LinkLocale = { locale?: Locale | null };

async function issueAudited(
  options: {
    seller: SellerSummary & { created: boolean };
    by: LinkActor;
    ttlDays?: number;
  } & LinkLocale,
): Promise<IssuedLink> {
  const { seller, by } = options;
  const link = await createOnboardingLink({
    sellerId: seller.id,
    createdBy: linkAuthor(by),
    ttlDays: options.ttlDays,
    ...(options.locale !== undefined ? { locale: options.locale } : {}),
  });
  await recordAudit({
    actor: auditActor(by),
    action: "link.issued",
    target: { type: "seller", id: seller.id },
    ip: ipOf(by),
    details: {
      linkId: link.linkId,
      expiresAt: link.expiresAt.toISOString(),
      ...(by.type === "api-key" ? { via: "api" } : {}),
      ...(link.locale ? { locale: link.locale } : {}),
    },
  });
  return { seller, linkId: link.linkId, url: link.url, token: link.token, expiresAt: link.expiresAt };
}

/**
 * Creates a seller (or finds it by external id), then issues a fresh onboarding link; both audited
 * ("seller.created" only when the seller is new).
 */
export async function createSellerWithLink(
  options: {
    seller: NewSeller;
    by: LinkActor;
    ttlDays?: number;
  } & LinkLocale,
): Promise<IssuedLink> {
  const { by } = options;
  const seller = await createSeller(options.seller);
  if (seller.created) {
    await recordAudit({
      actor: auditActor(by),
      action: "seller.created",
      target: { type: "seller", id: seller.id },
      ip: ipOf(by),
      details: { name: seller.name, externalId: seller.externalId },
    });
  }
  return issueAudited({ ...options, seller });
}

/** Issues a fresh onboarding link for an existing seller, audited; null when the seller is unknown. */
export async function issueSellerLink(
  options: {
    sellerId: string;
    by: LinkActor;
    ttlDays?: number;
  } & LinkLocale,
): Promise<IssuedLink | null> {
  const seller = await getSellerSummary(options.sellerId);
  if (!seller) return null;
  return issueAudited({ ...options, seller: { ...seller, created: false } });
}

/**
 * Revokes a link at once (a seller holding it sees "revoked"), audited. `revoked` is false when it was
 * already revoked (the first revocation's author is kept); null when the link is unknown.
 */
export async function revokeOnboardingLink(options: {
  linkId: string;
  by: LinkActor;
}): Promise<{ sellerId: string; revoked: boolean } | null> {
  const { linkId, by } = options;
  const link = await db().onboardingLink.findUnique({ where: { id: linkId }, select: { sellerId: true } });
  if (!link) return null;
  const { count } = await db().onboardingLink.updateMany({
    where: { id: linkId, revokedAt: null },
    data: { revokedAt: new Date(), revokedBy: linkAuthor(by) },
  });
  if (count === 1) {
    await recordAudit({
      actor: auditActor(by),
      action: "link.revoked",
      target: { type: "seller", id: link.sellerId },
      ip: ipOf(by),
      details: { linkId },
    });
  }
  return { sellerId: link.sellerId, revoked: count === 1 };
}
