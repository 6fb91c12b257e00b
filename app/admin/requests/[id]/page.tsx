import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getNow, getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { getAuthorizationDetail } from "@/lib/support/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { Ident } from "@/components/i18n/ident";
import { StatusBadge } from "@/components/support/status-badge";
import { Timeline } from "@/components/support/timeline";
import { CredentialReference } from "@/components/support/credential-reference";
import { VerifyCredentialButton } from "@/components/support/verify-credential";
import { allows } from "@/lib/auth/permissions";
import { AutoRefresh } from "@/components/support/auto-refresh";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.requests.detail");
  return { title: t("metaTitle") };
}

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
  const [t, stages, format, now] = await Promise.all([
    getTranslations("admin.requests.detail"),
    getTranslations("admin.support.stage"),
    getFormatter(),
    getNow(),
  ]);
  const when = (date: Date | null) => (date ? format.dateTime(date, "dateTimeZone") : "—");
  const ident = (chunks: React.ReactNode) => <Ident>{chunks}</Ident>;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/requests" className="text-brand-700 underline">
          {t.rich("back", { arrow: (chunks) => <span aria-hidden="true">{chunks}</span> })}
        </Link>
      </p>
      <PageHeader
        title={t("title", { reference: detail.reference })}
        description={t("started", {
          date: when(detail.createdAt),
          ago: format.relativeTime(detail.createdAt, now),
          seller: detail.seller.name,
        })}
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
          <Alert
            tone="error"
            title={
              detail.failure.stage
                ? t("failedAt", {
                    code: detail.failure.stage,
                    stage: stages.has(detail.failure.stage as Parameters<typeof stages>[0])
                      ? stages(detail.failure.stage as Parameters<typeof stages>[0])
                      : detail.failure.stage,
                  })
                : t("failedUnknown")
            }
          >
            {detail.failure.httpStatus !== null && (
              <p>{t.rich("httpFromNoon", { status: detail.failure.httpStatus, ident })}</p>
            )}
            {detail.failure.message && (
              <p>
                {t("recordedMessage")}{" "}
                <span lang="en" dir="ltr" className="inline-block text-start">
                  {detail.failure.message}
                </span>
              </p>
            )}
          </Alert>
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-3">
        <section aria-labelledby="summary" className="rounded-lg border border-slate-200 bg-white p-4 lg:col-span-2">
          <h2 id="summary" className="text-lg font-semibold">
            {t("summary")}
          </h2>
          <dl className="mt-2 divide-y divide-slate-100">
            <Row label={t("status")}>
              <StatusBadge status={detail.status} />
            </Row>
            <Row label={t("reference")}>
              <Ident>{detail.reference}</Ident>
            </Row>
            <Row label={t("seller")}>
              <Link href={`/admin/sellers/${detail.seller.id}`} className="font-medium text-brand-700 underline">
                {detail.seller.name}
              </Link>
              {detail.seller.email && (
                <span className="block text-slate-700">
                  <Ident className="break-all">{detail.seller.email}</Ident>
                </span>
              )}
              {detail.seller.externalId && (
                <span className="block text-slate-700">
                  {t.rich("externalId", { id: detail.seller.externalId, ident })}
                </span>
              )}
            </Row>
            <Row label={t("projectCode")}>{detail.projectCode ? <Ident>{detail.projectCode}</Ident> : "—"}</Row>
            <Row label={t("oauthRequestId")}>
              {detail.oauthRequestId ? (
                <span className="flex flex-col gap-2">
                  <span className="flex flex-wrap items-center gap-2">
                    <code
                      dir="ltr"
                      className="break-all rounded bg-slate-100 px-1.5 py-0.5 font-mono"
                      data-testid="oauth-request-id"
                    >
                      {detail.oauthRequestId}
                    </code>
                    <CopyButton value={detail.oauthRequestId} label={t("copyOauthRequestId")} />
                  </span>
                  <span className="text-slate-700">
                    {t.rich("oauthRequestIdHint", { app: (chunks) => <bdi dir="ltr">{chunks}</bdi> })}
                  </span>
                </span>
              ) : (
                <span className="text-slate-700">{t("oauthRequestIdNone")}</span>
              )}
            </Row>
            <Row label={t("callbackAt")}>{when(detail.callbackAt)}</Row>
            <Row label={t("completedAt")}>{when(detail.completedAt)}</Row>
            <Row label={t("stateExpiresAt")}>{when(detail.stateExpiresAt)}</Row>
            <Row label={t("updatedAt")}>
              {when(detail.updatedAt)}{" "}
              <span className="text-slate-700">({format.relativeTime(detail.updatedAt, now)})</span>
            </Row>
          </dl>
        </section>

        <section aria-labelledby="others" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="others" className="text-lg font-semibold">
            {t("others")}
          </h2>
          {detail.otherRequests.length === 0 ? (
            <p className="mt-2 text-sm text-slate-700">{t("othersNone")}</p>
          ) : (
            <ul className="mt-2 flex flex-col gap-2 text-sm">
              {detail.otherRequests.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center gap-2">
                  <Link href={`/admin/requests/${r.id}`} className="font-mono text-brand-700 underline">
                    <Ident>{r.reference}</Ident>
                  </Link>
                  <StatusBadge status={r.status} />
                  <span className="text-slate-700">{when(r.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-sm">
            <Link href={`/admin/requests?seller=${detail.seller.id}`} className="text-brand-700 underline">
              {t("allOfSeller")}
            </Link>
          </p>
        </section>
      </div>

      <section aria-labelledby="timeline" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="timeline" className="text-lg font-semibold">
          {t("timeline")}
        </h2>
        <Timeline events={detail.events} />
      </section>

      <section aria-labelledby="credential" className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="credential" className="text-lg font-semibold">
          {t("credential")}
        </h2>
        {detail.credential ? (
          <>
            <CredentialReference credential={detail.credential} />
            {detail.credential.status === "ACTIVE" && canVerify && (
              <VerifyCredentialButton credentialId={detail.credential.id} />
            )}
          </>
        ) : (
          <p className="mt-2 text-sm text-slate-700">{t("credentialNone")}</p>
        )}
      </section>
    </>
  );
}
