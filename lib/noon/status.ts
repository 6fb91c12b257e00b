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
  /** Why it failed (failed only), as a code the page turns into a sentence (messages/*.json, seller.failure). */
  failure: { code: FailureCode; httpStatus: number | null } | null;
};

/** The failure stages a seller is told about; anything else is "unknown". */
export const FAILURE_CODES = [
  "session_renewed",
  "login",
  "token_create",
  "token_exchange",
  "key_storage",
  "internal",
  "unknown",
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

function failureCode(stage: string | null): FailureCode {
  return (FAILURE_CODES as readonly string[]).includes(stage ?? "") && stage !== "session_renewed"
    ? (stage as FailureCode)
    : "unknown";
}

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
  let failure: AuthorizationResultView["failure"] = null;
  if (outcome === "failed") {
    if (
      row.failureHttpStatus === 401 &&
      (row.failureStage === "token_create" || row.failureStage === "token_exchange")
    ) {
      // The client renewed its Noon session at once (lib/noon/client.ts): trying again works.
      failure = { code: "session_renewed", httpStatus: null };
    } else {
      failure = { code: failureCode(row.failureStage), httpStatus: row.failureHttpStatus ?? null };
    }
  }
  return {
    reference: row.reference,
    outcome,
    sellerName: row.seller.name,
    projectCode: row.projectCode,
    keyStoragePending: row.status === "PENDING_KEY_STORAGE",
    failure,
  };
}
