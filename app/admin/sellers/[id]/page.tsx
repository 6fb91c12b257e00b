import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { getSellerDetail } from "@/lib/sellers";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/admin/format";
import { IssueLinkButton, RevokeLinkButton } from "@/components/admin/seller-links";
import { StatusBadge } from "@/components/support/status-badge";
import { CredentialReference } from "@/components/support/credential-reference";
import { VerifyCredentialButton } from "@/components/support/verify-credential";

export const metadata: Metadata = { title: "Seller" };

const LINK_STATE = {
  active: { label: "Active", tone: "success" },
  expired: { label: "Expired", tone: "neutral" },
  revoked: { label: "Revoked", tone: "danger" },
  used: { label: "Used: seller connected", tone: "neutral" },
} as const;

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

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/sellers" className="text-brand-700 underline">
          ← All sellers
        </Link>
      </p>
      <PageHeader
        title={seller.name}
        description={[
          seller.email,
          seller.externalId ? `external id ${seller.externalId}` : null,
          `added ${formatUtc(seller.createdAt)}`,
        ]
          .filter(Boolean)
          .join(" · ")}
        actions={canManage ? <IssueLinkButton sellerId={seller.id} sellerName={seller.name} /> : undefined}
      />

      {needsReconnect && (
        <section
          aria-labelledby="needs-reconnect"
          className="mb-6 rounded-lg border border-red-300 bg-red-50 p-4"
          data-testid="needs-reconnect"
        >
          <h2 id="needs-reconnect" className="text-lg font-semibold text-red-900">
            Needs reconnect
          </h2>
          <p className="mt-1 text-sm text-red-900">
            The seller&apos;s Noon key failed verification twice in a row (since{" "}
            {formatUtc(needsReconnect.needsReconnectAt)}):{" "}
            {needsReconnect.lastVerificationMessage ?? "Noon no longer accepts it"}. The seller must connect their Noon
            account again
            {canManage
              ? ": issue a new onboarding link and send it to them."
              : "; an operations colleague can issue a new onboarding link."}
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
          Noon authorization requests
        </h2>
        <Table
          caption="The seller's Noon authorization requests"
          head={["Reference", "Status", "Started", "Project code", "Failure stage"]}
        >
          {detail.requests.length === 0 && <EmptyRow colSpan={5}>The seller has not clicked Connect yet.</EmptyRow>}
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
              <Td className="whitespace-nowrap">{formatUtc(r.createdAt)}</Td>
              <Td className="font-mono">{r.projectCode ?? "—"}</Td>
              <Td>{r.failureStage ?? "—"}</Td>
            </tr>
          ))}
        </Table>
        {detail.moreRequests && (
          <p className="mt-2 text-sm">
            <Link href={`/admin/requests?seller=${seller.id}`} className="text-brand-700 underline">
              All of this seller&apos;s requests
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="seller-credentials" className="mb-6">
        <h2 id="seller-credentials" className="mb-2 text-lg font-semibold">
          Noon credentials
        </h2>
        {detail.credentials.length === 0 && <p className="text-sm text-slate-700">No credential yet.</p>}
        <div className="grid gap-4 md:grid-cols-2">
          {[...current, ...superseded].map((c) => (
            <div key={c.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <CredentialReference credential={c} />
              {c.status === "ACTIVE" && canVerify && <VerifyCredentialButton credentialId={c.id} />}
              <p className="mt-2 text-sm">
                <Link href={`/admin/requests/${c.authorizationId}`} className="text-brand-700 underline">
                  The request that issued it
                </Link>
              </p>
            </div>
          ))}
        </div>
      </section>

      <section aria-labelledby="seller-links">
        <h2 id="seller-links" className="mb-2 text-lg font-semibold">
          Onboarding links
        </h2>
        <Table
          caption="The seller's onboarding links"
          head={["State", "Issued", "Expires", "Last used", "Issued by", ...(canManage ? [""] : [])]}
        >
          {detail.links.length === 0 && <EmptyRow colSpan={canManage ? 6 : 5}>No link issued yet.</EmptyRow>}
          {detail.links.map((l) => {
            const s = LINK_STATE[l.state];
            return (
              <tr key={l.id}>
                <Td>
                  <Badge tone={s.tone}>{s.label}</Badge>
                  {l.revokedAt && <div className="text-xs text-slate-700">{formatUtc(l.revokedAt)}</div>}
                  {!l.revokedAt && l.usedAt && <div className="text-xs text-slate-700">{formatUtc(l.usedAt)}</div>}
                </Td>
                <Td className="whitespace-nowrap">{formatUtc(l.createdAt)}</Td>
                <Td className="whitespace-nowrap">{formatUtc(l.expiresAt)}</Td>
                <Td className="whitespace-nowrap">{formatUtc(l.lastUsedAt)}</Td>
                <Td>{l.createdBy}</Td>
                {canManage && <Td>{l.state === "active" ? <RevokeLinkButton linkId={l.id} /> : null}</Td>}
              </tr>
            );
          })}
        </Table>
      </section>
    </>
  );
}
