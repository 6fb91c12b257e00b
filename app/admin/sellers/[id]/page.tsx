import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { getSellerDetail } from "@/lib/sellers";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Ident } from "@/components/i18n/ident";
import { IssueLinkButton, RevokeLinkButton } from "@/components/admin/seller-links";
import { StatusBadge } from "@/components/support/status-badge";
import { CredentialReference } from "@/components/support/credential-reference";
import { VerifyCredentialButton } from "@/components/support/verify-credential";
import { StageName } from "@/components/support/stage-name";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.sellers.detail");
  return { title: t("metaTitle") };
}

const LINK_TONE = { active: "success", expired: "neutral", revoked: "danger", used: "neutral" } as const;

export default async function SellerDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requirePagePermission("read");
  const { id } = await params;
  const detail = await getSellerDetail(id);
  if (!detail) notFound();
  const { seller } = detail;
  const canManage = allows(staff.role, "manageSellers");
  const current = detail.credentials.filter((c) => c.status !== "SUPERSEDED");
  const superseded = detail.credentials.filter((c) => c.status === "SUPERSEDED");
  const canVerify = allows(staff.role, "verifyCredentials");
  const needsReconnect = current.find((c) => c.status === "ACTIVE" && c.needsReconnectAt);
  const [t, format] = await Promise.all([getTranslations("admin.sellers.detail"), getFormatter()]);
  const when = (date: Date | null | undefined) => (date ? format.dateTime(date, "dateTimeZone") : "—");

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/sellers" className="text-brand-700 underline">
          {t.rich("back", { arrow: (chunks) => <span aria-hidden="true">{chunks}</span> })}
        </Link>
      </p>
      <PageHeader
        title={seller.name}
        actions={canManage ? <IssueLinkButton sellerId={seller.id} sellerName={seller.name} /> : undefined}
      />
      <p className="-mt-4 mb-6 flex flex-wrap gap-x-2 text-slate-700" data-testid="seller-facts">
        {seller.email && (
          <>
            <Ident className="break-all">{seller.email}</Ident>
            <span aria-hidden="true">·</span>
          </>
        )}
        {seller.externalId && (
          <>
            <span>{t.rich("externalId", { id: seller.externalId, ident: (chunks) => <Ident>{chunks}</Ident> })}</span>
            <span aria-hidden="true">·</span>
          </>
        )}
        <span>{t("added", { date: when(seller.createdAt) })}</span>
      </p>

      {needsReconnect && (
        <section
          aria-labelledby="needs-reconnect"
          className="mb-6 rounded-lg border border-red-300 bg-red-50 p-4"
          data-testid="needs-reconnect"
        >
          <h2 id="needs-reconnect" className="text-lg font-semibold text-red-900">
            {t("needsReconnect.title")}
          </h2>
          <p className="mt-1 text-sm text-red-900">
            {t.rich("needsReconnect.text", {
              since: when(needsReconnect.needsReconnectAt),
              hasReason: needsReconnect.lastVerificationMessage ? "yes" : "no",
              reason: needsReconnect.lastVerificationMessage ?? "",
              canManage: canManage ? "yes" : "no",
              en: (chunks) => (
                <bdi lang="en" dir="ltr">
                  {chunks}
                </bdi>
              ),
            })}
          </p>
          {canManage && (
            <div className="mt-3">
              <IssueLinkButton sellerId={seller.id} sellerName={seller.name} />
            </div>
          )}
        </section>
      )}

      <section aria-labelledby="seller-requests" className="mb-6">
        <h2 id="seller-requests" className="mb-2 text-lg font-semibold">
          {t("requests.heading")}
        </h2>
        <Table
          caption={t("requests.caption")}
          head={[
            t("requests.reference"),
            t("requests.status"),
            t("requests.started"),
            t("requests.projectCode"),
            t("requests.failureStage"),
          ]}
        >
          {detail.requests.length === 0 && <EmptyRow colSpan={5}>{t("requests.none")}</EmptyRow>}
          {detail.requests.map((r) => (
            <tr key={r.id}>
              <Td className="whitespace-nowrap font-mono">
                <Link href={`/admin/requests/${r.id}`} className="font-medium text-brand-700 underline">
                  {r.reference}
                </Link>
              </Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td className="whitespace-nowrap">{when(r.createdAt)}</Td>
              <Td>{r.projectCode ? <Ident>{r.projectCode}</Ident> : "—"}</Td>
              <Td>{r.failureStage ? <StageName stage={r.failureStage} /> : "—"}</Td>
            </tr>
          ))}
        </Table>
        {detail.moreRequests && (
          <p className="mt-2 text-sm">
            <Link href={`/admin/requests?seller=${seller.id}`} className="text-brand-700 underline">
              {t("requests.all")}
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="seller-credentials" className="mb-6">
        <h2 id="seller-credentials" className="mb-2 text-lg font-semibold">
          {t("credentials.heading")}
        </h2>
        {detail.credentials.length === 0 && <p className="text-sm text-slate-700">{t("credentials.none")}</p>}
        <div className="grid gap-4 md:grid-cols-2">
          {[...current, ...superseded].map((c) => (
            <div key={c.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <CredentialReference credential={c} />
              {c.status === "ACTIVE" && canVerify && <VerifyCredentialButton credentialId={c.id} />}
              <p className="mt-2 text-sm">
                <Link href={`/admin/requests/${c.authorizationId}`} className="text-brand-700 underline">
                  {t("credentials.request")}
                </Link>
              </p>
            </div>
          ))}
        </div>
      </section>

      <section aria-labelledby="seller-links">
        <h2 id="seller-links" className="mb-2 text-lg font-semibold">
          {t("links.heading")}
        </h2>
        <Table
          caption={t("links.caption")}
          head={[
            t("links.state"),
            t("links.issued"),
            t("links.expires"),
            t("links.lastUsed"),
            t("links.issuedBy"),
            ...(canManage ? [t("links.actions")] : []),
          ]}
        >
          {detail.links.length === 0 && <EmptyRow colSpan={canManage ? 6 : 5}>{t("links.none")}</EmptyRow>}
          {detail.links.map((l) => {
            return (
              <tr key={l.id}>
                <Td>
                  <Badge tone={LINK_TONE[l.state]}>{t(`links.stateName.${l.state}`)}</Badge>
                  {l.revokedAt && <div className="text-xs text-slate-700">{when(l.revokedAt)}</div>}
                  {!l.revokedAt && l.usedAt && <div className="text-xs text-slate-700">{when(l.usedAt)}</div>}
                </Td>
                <Td className="whitespace-nowrap">{when(l.createdAt)}</Td>
                <Td className="whitespace-nowrap">{when(l.expiresAt)}</Td>
                <Td className="whitespace-nowrap">{when(l.lastUsedAt)}</Td>
                <Td>
                  <Ident className="break-all">{l.createdBy}</Ident>
                </Td>
                {canManage && <Td>{l.state === "active" ? <RevokeLinkButton linkId={l.id} /> : null}</Td>}
              </tr>
            );
          })}
        </Table>
      </section>
    </>
  );
}
