import type { CredentialSummary } from "@/lib/sellers";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/admin/format";

const STATUS = {
  ACTIVE: { label: "Current", tone: "success" },
  SUPERSEDED: { label: "Superseded", tone: "neutral" },
  PENDING_STORAGE: { label: "Waiting for the secret store", tone: "warning" },
} as const;

const VERIFICATION = {
  OK: { label: "Works", tone: "success" },
  REJECTED: { label: "Rejected by Noon", tone: "danger" },
  UNREACHABLE: { label: "Noon unreachable", tone: "warning" },
  MISSING: { label: "Missing from the secret store", tone: "danger" },
} as const;

/** A Noon service-account credential by reference: where its private key lives, never the key. */
export function CredentialReference({ credential }: { credential: CredentialSummary }) {
  const s = STATUS[credential.status];
  return (
    <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
      <dt className="text-slate-700">State</dt>
      <dd>
        <Badge tone={s.tone}>{s.label}</Badge>
      </dd>
      <dt className="text-slate-700">Project code</dt>
      <dd className="font-mono">{credential.projectCode}</dd>
      <dt className="text-slate-700">Key id</dt>
      <dd className="break-all font-mono">{credential.keyId}</dd>
      {credential.channelIdentifier && (
        <>
          <dt className="text-slate-700">Channel</dt>
          <dd className="break-all font-mono">{credential.channelIdentifier}</dd>
        </>
      )}
      <dt className="text-slate-700">Secret reference</dt>
      <dd className="break-all font-mono" data-testid="secret-reference">
        {credential.secretArn ?? credential.secretName}
        {credential.secretVersionId && (
          <span className="block text-xs text-slate-700">version {credential.secretVersionId}</span>
        )}
      </dd>
      <dt className="text-slate-700">Stored</dt>
      <dd>{formatUtc(credential.storedAt)}</dd>
      {credential.status === "ACTIVE" && (
        <>
          <dt className="text-slate-700">Verified with Noon</dt>
          <dd data-testid="verification">
            {credential.lastVerificationResult ? (
              <>
                <Badge tone={VERIFICATION[credential.lastVerificationResult].tone}>
                  {VERIFICATION[credential.lastVerificationResult].label}
                </Badge>{" "}
                {formatUtc(credential.lastVerifiedAt)}
                {credential.lastVerificationResult !== "OK" && credential.lastVerificationMessage && (
                  <span className="block text-xs text-slate-700">{credential.lastVerificationMessage}</span>
                )}
              </>
            ) : (
              "Not yet"
            )}
            {credential.nextVerificationAt && (
              <span className="block text-xs text-slate-700">
                Next check {formatUtc(credential.nextVerificationAt)}
              </span>
            )}
          </dd>
        </>
      )}
      {credential.supersededAt && (
        <>
          <dt className="text-slate-700">Superseded</dt>
          <dd>{formatUtc(credential.supersededAt)}</dd>
        </>
      )}
    </dl>
  );
}
