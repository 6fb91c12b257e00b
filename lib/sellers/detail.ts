import "server-only";
import { db } from "@/lib/db/client";
import type { NoonAuthorizationStatus, Prisma } from "@/lib/db/generated/client";
import { listSellerLinks, type OnboardingLinkSummary } from "./links";
import { SELLER_ID, sellerSummarySelect, type SellerSummary } from "./sellers";

// One seller as staff see it: its requests, its credentials (by secret-store reference, never a value)
// and its onboarding links.

/** The columns of a `CredentialSummary`, for a Prisma `select`. */
export const credentialSummarySelect = {
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

/** A credential by reference (where its private key lives in the secret store, never the value). */
export type CredentialSummary = Prisma.SellerCredentialGetPayload<{ select: typeof credentialSummarySelect }>;

export interface SellerDetail {
  seller: SellerSummary & { createdAt: Date };
  requests: {
    id: string;
    reference: string;
    status: NoonAuthorizationStatus;
    createdAt: Date;
    projectCode: string | null;
    failureStage: string | null;
  }[];
  /** True when the seller has more requests than shown (the list page filtered by seller shows them all). */
  moreRequests: boolean;
  credentials: CredentialSummary[];
  links: OnboardingLinkSummary[];
}

const SELLER_REQUESTS_SHOWN = 50;

/** One seller with its latest requests, its credentials and its links; null when there is none. */
export async function getSellerDetail(sellerId: string, now = new Date()): Promise<SellerDetail | null> {
  if (!SELLER_ID.test(sellerId)) return null;
  const seller = await db().seller.findUnique({
    where: { id: sellerId },
    select: { ...sellerSummarySelect, createdAt: true },
  });
  if (!seller) return null;
  const [requests, credentials, links] = await Promise.all([
    db().noonAuthorization.findMany({
      where: { sellerId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: SELLER_REQUESTS_SHOWN + 1,
      select: { id: true, reference: true, status: true, createdAt: true, projectCode: true, failureStage: true },
    }),
    db().sellerCredential.findMany({
      where: { sellerId },
      orderBy: { createdAt: "desc" },
      select: credentialSummarySelect,
    }),
    listSellerLinks(sellerId, now),
  ]);
  return {
    seller,
    requests: requests.slice(0, SELLER_REQUESTS_SHOWN),
    moreRequests: requests.length > SELLER_REQUESTS_SHOWN,
    credentials,
    links,
  };
}
