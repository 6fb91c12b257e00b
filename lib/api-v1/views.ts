import "server-only";
// Rows to the documented answer shapes (lib/api-v1/schemas.ts): plain data, ISO instants, lower-case
// statuses, secrets by reference only.
import type { CredentialStatus, NoonAuthorizationStatus } from "@/lib/db/generated/client";
import type { AuthorizationSummaryView, CredentialView } from "@/lib/api-v1/schemas";

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The credential columns a view needs (with its authorization's reference). */
export const credentialSelect = {
  id: true,
  status: true,
  projectCode: true,
  keyId: true,
  channelIdentifier: true,
  issuedAt: true,
  createdAt: true,
  storedAt: true,
  supersededAt: true,
  secretName: true,
  secretArn: true,
  secretVersionId: true,
  authorization: { select: { reference: true } },
} as const;

export interface CredentialRow {
  id: string;
  status: CredentialStatus;
  projectCode: string;
  keyId: string;
  channelIdentifier: string | null;
  issuedAt: Date | null;
  createdAt: Date;
  storedAt: Date | null;
  supersededAt: Date | null;
  secretName: string;
  secretArn: string | null;
  secretVersionId: string | null;
  authorization: { reference: string };
}

export function credentialView(c: CredentialRow): CredentialView {
  return {
    id: c.id,
    status: c.status === "ACTIVE" ? "active" : c.status === "PENDING_STORAGE" ? "pending_storage" : "superseded",
    projectCode: c.projectCode,
    keyId: c.keyId,
    channelIdentifier: c.channelIdentifier,
    issuedAt: isoOrNull(c.issuedAt),
    createdAt: iso(c.createdAt),
    storedAt: isoOrNull(c.storedAt),
    supersededAt: isoOrNull(c.supersededAt),
    authorizationReference: c.authorization.reference,
    secret: { name: c.secretName, arn: c.secretArn, versionId: c.secretVersionId },
  };
}

/** The authorization columns a summary needs. */
export const authorizationSelect = {
  reference: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  callbackAt: true,
  completedAt: true,
  projectCode: true,
  oauthRequestId: true,
  failureStage: true,
  failureHttpStatus: true,
  failureMessage: true,
} as const;

export interface AuthorizationRow {
  reference: string;
  status: NoonAuthorizationStatus;
  createdAt: Date;
  updatedAt: Date;
  callbackAt: Date | null;
  completedAt: Date | null;
  projectCode: string | null;
  oauthRequestId: string | null;
  failureStage: string | null;
  failureHttpStatus: number | null;
  failureMessage: string | null;
}

export function authorizationSummaryView(a: AuthorizationRow): AuthorizationSummaryView {
  const failed = a.failureStage !== null || a.failureMessage !== null || a.failureHttpStatus !== null;
  return {
    reference: a.reference,
    status: a.status.toLowerCase() as AuthorizationSummaryView["status"],
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
    callbackAt: isoOrNull(a.callbackAt),
    completedAt: isoOrNull(a.completedAt),
    projectCode: a.projectCode,
    oauthRequestId: a.oauthRequestId,
    failure: failed ? { stage: a.failureStage, httpStatus: a.failureHttpStatus, message: a.failureMessage } : null,
  };
}
