import "server-only";
import { db } from "@/lib/db/client";
import type { NoonAuthorizationStatus } from "@/lib/db/generated/client";
import { hasConnectedNoonAccount } from "@/lib/sellers/connection";
import { REFERENCE_PATTERN } from "./authorizations";

// What a seller may see about their own connections: plain data for pages, never secrets or hashes.

export type SellerCredentialView = {
  projectCode: string;
  keyId: string;
  status: "ACTIVE" | "PENDING_STORAGE" | "SUPERSEDED";
  connectedAt: Date;
};

export type SellerConnectionStatus = {
  credentials: SellerCredentialView[];
  /** A key was handed over and not replaced (lib/sellers/connection.ts): a new connection adds one. */
  connected: boolean;
  latest: { reference: string; status: NoonAuthorizationStatus; createdAt: Date } | null;
};

export async function sellerConnectionStatus(sellerId: string): Promise<SellerConnectionStatus> {
  const [credentials, latest] = await Promise.all([
    db().sellerCredential.findMany({
      where: { sellerId },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { projectCode: true, keyId: true, status: true, createdAt: true },
    }),
    db().noonAuthorization.findFirst({
      where: { sellerId },
      orderBy: { createdAt: "desc" },
      select: { reference: true, status: true, createdAt: true },
    }),
  ]);
  return {
    credentials: credentials.map((c) => ({
      projectCode: c.projectCode,
      keyId: c.keyId,
      status: c.status,
      connectedAt: c.createdAt,
    })),
    connected: hasConnectedNoonAccount(credentials),
    latest,
  };
}

export type AuthorizationOutcome = "connected" | "declined" | "failed" | "expired" | "in_progress";

export type AuthorizationResultView = {
  reference: string;
  outcome: AuthorizationOutcome;
  sellerName: string;
  projectCode: string | null;
  /** True while the key waits in the sealed queue for the secret store. */
  keyStoragePending: boolean;
  /** A short reason for people (failed only). */
  reason: string | null;
};

const failureReason: Record<string, string> = {
  login: "Our service could not sign in to Noon.",
  token_create: "Noon did not accept the authorization.",
  token_exchange: "Noon could not create the credential for your account.",
  key_storage: "We could not store your credential safely.",
  internal: "Something went wrong on our side.",
};

function outcomeOf(status: NoonAuthorizationStatus): AuthorizationOutcome {
  switch (status) {
    case "COMPLETED":
    case "PENDING_KEY_STORAGE":
    case "SUPERSEDED":
      return "connected";
    case "DECLINED":
      return "declined";
    case "EXPIRED":
      return "expired";
    case "STARTED":
      return "in_progress";
    default:
      return "failed";
  }
}

/**
 * The outcome of one request, for the seller's result page. Only the seller whose session started it
 * sees it: another browser gets null (the reference alone reveals nothing).
 */
export async function authorizationResult(
  reference: string,
  sellerId: string | null,
): Promise<AuthorizationResultView | null> {
  if (!sellerId || !REFERENCE_PATTERN.test(reference)) return null;
  const row = await db().noonAuthorization.findUnique({
    where: { reference },
    select: {
      reference: true,
      sellerId: true,
      status: true,
      projectCode: true,
      failureStage: true,
      failureHttpStatus: true,
      seller: { select: { name: true } },
    },
  });
  if (!row || row.sellerId !== sellerId) return null;
  const outcome = outcomeOf(row.status);
  let reason: string | null = null;
  if (outcome === "failed") {
    if (
      row.failureHttpStatus === 401 &&
      (row.failureStage === "token_create" || row.failureStage === "token_exchange")
    ) {
      // The client renewed its Noon session at once (lib/noon/client.ts): trying again works.
      reason = "Our session with Noon had expired at that moment. It has been renewed: please try again.";
    } else {
      reason = failureReason[row.failureStage ?? ""] ?? "The connection could not be completed.";
      if (row.failureHttpStatus) reason += ` (Noon answered HTTP ${row.failureHttpStatus}.)`;
    }
  }
  return {
    reference: row.reference,
    outcome,
    sellerName: row.seller.name,
    projectCode: row.projectCode,
    keyStoragePending: row.status === "PENDING_KEY_STORAGE",
    reason,
  };
}
