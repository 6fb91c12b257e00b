import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { listSellersForDashboard, sellerListParamsSchema } from "@/lib/sellers/list";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button-class";
import { CreateSellerForm, IssueLinkButton } from "@/components/admin/seller-links";
import { formatUtc } from "@/components/admin/format";

export const metadata: Metadata = { title: "Sellers" };

const STATUS: Record<string, { label: string; tone: "neutral" | "success" | "warning" | "danger" | "info" }> = {
  STARTED: { label: "In progress", tone: "info" },
  PENDING_KEY_STORAGE: { label: "Storing key", tone: "warning" },
  COMPLETED: { label: "Connected", tone: "success" },
  DECLINED: { label: "Declined", tone: "danger" },
  REJECTED: { label: "Rejected", tone: "danger" },
  FAILED: { label: "Failed", tone: "danger" },
  EXPIRED: { label: "Expired", tone: "neutral" },
  SUPERSEDED: { label: "Superseded", tone: "neutral" },
};

export default async function SellersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const staff = await requirePagePermission("read");
  const raw = await searchParams;
  const parsed = sellerListParamsSchema.safeParse({
    q: typeof raw.q === "string" ? raw.q : undefined,
    cursor: typeof raw.cursor === "string" ? raw.cursor : undefined,
  });
  const params = parsed.success ? parsed.data : { q: undefined, cursor: undefined };
  const { rows, nextCursor } = await listSellersForDashboard(params);
  const canManage = allows(staff.role, "manageSellers");

  return (
    <>
      <PageHeader
        title="Sellers"
        description="Every seller we onboard, their Noon connection status and their onboarding links."
      />
      {canManage && (
        <div className="mb-6">
          <CreateSellerForm />
        </div>
      )}
      <form role="search" method="get" className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="seller-search" className="text-sm font-medium">
            Search sellers
          </label>
          <input
            id="seller-search"
            name="q"
            type="search"
            defaultValue={params.q ?? ""}
            placeholder="Name, e-mail, external id or seller id"
            className="min-h-10 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm"
          />
        </div>
        <button type="submit" className={buttonClass("secondary")}>
          Search
        </button>
        {params.q && (
          <Link href="/admin/sellers" className={buttonClass("secondary")}>
            Clear
          </Link>
        )}
      </form>
      <Table
        caption="Sellers"
        head={["Seller", "External id", "Status", "Active links", "Created", ...(canManage ? ["Links"] : [])]}
      >
        {rows.length === 0 && (
          <EmptyRow colSpan={canManage ? 6 : 5}>
            {params.q ? "No seller matches this search." : "No sellers yet."}
          </EmptyRow>
        )}
        {rows.map((seller) => {
          const status = seller.latestAuthorization ? STATUS[seller.latestAuthorization.status] : undefined;
          return (
            <tr key={seller.id}>
              <Td>
                <Link href={`/admin/sellers/${seller.id}`} className="font-medium text-brand-700 underline">
                  {seller.name}
                </Link>
                {seller.email && <div className="text-xs text-slate-600">{seller.email}</div>}
              </Td>
              <Td>{seller.externalId ?? "—"}</Td>
              <Td>
                {status ? (
                  <Badge tone={status.tone}>{status.label}</Badge>
                ) : (
                  <Badge>{seller.activeLinks > 0 ? "Link sent" : "Not started"}</Badge>
                )}
              </Td>
              <Td>{seller.activeLinks}</Td>
              <Td className="whitespace-nowrap">{formatUtc(seller.createdAt)}</Td>
              {canManage && (
                <Td>
                  <IssueLinkButton sellerId={seller.id} sellerName={seller.name} />
                </Td>
              )}
            </tr>
          );
        })}
      </Table>
      {nextCursor && (
        <p className="mt-4">
          <Link
            href={`/admin/sellers?${new URLSearchParams({ ...(params.q ? { q: params.q } : {}), cursor: nextCursor })}`}
            className={buttonClass("secondary")}
          >
            Older sellers
          </Link>
        </p>
      )}
    </>
  );
}
