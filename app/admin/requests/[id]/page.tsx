import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/auth/guard";
import { getAuthorizationDetail } from "@/lib/support/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { formatUtc } from "@/components/admin/format";
import { StatusBadge } from "@/components/support/status-badge";
import { Timeline } from "@/components/support/timeline";
import { CredentialReference } from "@/components/support/credential-reference";
import { VerifyCredentialButton } from "@/components/support/verify-credential";
import { allows } from "@/lib/auth/permissions";
import { AutoRefresh } from "@/components/support/auto-refresh";

export const metadata: Metadata = { title: "Noon authorization request" };

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1 py-2 sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-700">{label}</dt>
      <dd className="break-words text-sm text-slate-900 sm:col-span-2">{children}</dd>
    </div>
  );
}

export default async function RequestDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requirePagePermission("read");
  const canVerify = allows(staff.role, "verifyCredentials");
  const { id } = await params;
  const detail = await getAuthorizationDetail(id);
  if (!detail) notFound();

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/requests" className="text-brand-700 underline">
          ← All requests
        </Link>
      </p>
      <PageHeader
        title={`Request ${detail.reference}`}
        description={`Started ${formatUtc(detail.createdAt)} by ${detail.seller.name}.`}
      />
      {detail.inProgress && (
        <div className="mb-4">
          <AutoRefresh
            progressUrl={`/api/admin/requests/${detail.id}/progress`}
            initial={{
              status: detail.status,
              inProgress: detail.inProgress,
              updatedAt: detail.updatedAt.toISOString(),
              events: detail.events.length,
            }}
          />
        </div>
      )}

      {detail.failure && (
        <div className="mb-4" data-testid="failure">
          <Alert tone="error" title={`Failed at stage: ${detail.failure.stage ?? "unknown"}`}>
            {detail.failure.httpStatus !== null && <p>HTTP status from Noon: {detail.failure.httpStatus}</p>}
            {detail.failure.message && <p>{detail.failure.message}</p>}
          </Alert>
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="summary" className="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
          <h2 id="summary" className="text-lg font-semibold">
            Summary
          </h2>
          <dl className="mt-2 divide-y divide-slate-100">
            <Row label="Status">
              <StatusBadge status={detail.status} />
            </Row>
            <Row label="Reference">
              <span className="font-mono">{detail.reference}</span>
            </Row>
            <Row label="Seller">
              <Link href={`/admin/sellers/${detail.seller.id}`} className="font-medium text-brand-700 underline">
                {detail.seller.name}
              </Link>
              {detail.seller.email && <span className="block text-slate-700">{detail.seller.email}</span>}
              {detail.seller.externalId && (
                <span className="block text-slate-700">External id: {detail.seller.externalId}</span>
              )}
            </Row>
            <Row label="Noon project code">
              <span className="font-mono">{detail.projectCode ?? "—"}</span>
            </Row>
            <Row label="oauth_request_id">
              {detail.oauthRequestId ? (
                <span className="flex flex-col gap-2">
                  <span className="flex flex-wrap items-center gap-2">
                    <code
                      className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono"
                      data-testid="oauth-request-id"
                    >
                      {detail.oauthRequestId}
                    </code>
                    <CopyButton value={detail.oauthRequestId} label="Copy oauth_request_id" />
                  </span>
                  <span className="text-slate-700">
                    Look it up in the OAuth tab of the Noon Partners Access App to see Noon&apos;s side of this request.
                  </span>
                </span>
              ) : (
                <span className="text-slate-700">None yet: Noon returns it when the access token is exchanged.</span>
              )}
            </Row>
            <Row label="Callback received">{formatUtc(detail.callbackAt)}</Row>
            <Row label="Completed">{formatUtc(detail.completedAt)}</Row>
            <Row label="State valid until">{formatUtc(detail.stateExpiresAt)}</Row>
            <Row label="Last change">{formatUtc(detail.updatedAt)}</Row>
          </dl>
        </section>

        <section aria-labelledby="others" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="others" className="text-lg font-semibold">
            The seller&apos;s other requests
          </h2>
          {detail.otherRequests.length === 0 ? (
            <p className="mt-2 text-sm text-slate-700">None.</p>
          ) : (
            <ul className="mt-2 flex flex-col gap-2 text-sm">
              {detail.otherRequests.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center gap-2">
                  <Link href={`/admin/requests/${r.id}`} className="font-mono text-brand-700 underline">
                    {r.reference}
                  </Link>
                  <StatusBadge status={r.status} />
                  <span className="text-slate-700">{formatUtc(r.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-sm">
            <Link href={`/admin/requests?seller=${detail.seller.id}`} className="text-brand-700 underline">
              All requests of this seller
            </Link>
          </p>
        </section>
      </div>

      <section aria-labelledby="timeline" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="timeline" className="text-lg font-semibold">
          Timeline
        </h2>
        <Timeline events={detail.events} />
      </section>

      <section aria-labelledby="credential" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="credential" className="text-lg font-semibold">
          Credential
        </h2>
        {detail.credential ? (
          <>
            <CredentialReference credential={detail.credential} />
            {detail.credential.status === "ACTIVE" && canVerify && (
              <VerifyCredentialButton credentialId={detail.credential.id} />
            )}
          </>
        ) : (
          <p className="mt-2 text-sm text-slate-700">No credential was issued for this request.</p>
        )}
      </section>
    </>
  );
}
