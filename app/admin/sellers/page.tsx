import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { listSellersForDashboard, sellerListParamsSchema } from "@/lib/sellers/list";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button-class";
import { CreateSellerForm, IssueLinkButton } from "@/components/admin/seller-links";
import { Ident } from "@/components/i18n/ident";
import { STATUS_TONE } from "@/components/support/format";
import type { AuthorizationStatus } from "@/lib/support/sql";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.sellers");
  return { title: t("title") };
}

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
  const [t, format] = await Promise.all([getTranslations("admin.sellers"), getFormatter()]);

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {canManage && (
        <div className="mb-6">
          <CreateSellerForm />
        </div>
      )}
      <form role="search" method="get" className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="seller-search" className="text-sm font-medium">
            {t("search.label")}
          </label>
          <input
            id="seller-search"
            name="q"
            type="search"
            defaultValue={params.q ?? ""}
            placeholder={t("search.placeholder")}
            className="min-h-10 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm"
          />
        </div>
        <button type="submit" className={buttonClass("secondary")}>
          {t("search.submit")}
        </button>
        {params.q && (
          <Link href="/admin/sellers" className={buttonClass("secondary")}>
            {t("search.clear")}
          </Link>
        )}
      </form>
      <Table
        caption={t("table.caption")}
        head={[
          t("table.seller"),
          t("table.externalId"),
          t("table.status"),
          t("table.activeLinks"),
          t("table.created"),
          ...(canManage ? [t("table.links")] : []),
        ]}
      >
        {rows.length === 0 && (
          <EmptyRow colSpan={canManage ? 6 : 5}>{params.q ? t("table.noMatch") : t("table.none")}</EmptyRow>
        )}
        {rows.map((seller) => {
          const status = seller.latestAuthorization?.status as AuthorizationStatus | undefined;
          return (
            <tr key={seller.id}>
              <Td>
                <Link href={`/admin/sellers/${seller.id}`} className="font-medium text-brand-700 underline">
                  {seller.name}
                </Link>
                {seller.email && (
                  <div className="text-xs text-slate-600">
                    <Ident className="break-all">{seller.email}</Ident>
                  </div>
                )}
              </Td>
              <Td>{seller.externalId ? <Ident>{seller.externalId}</Ident> : "—"}</Td>
              <Td>
                {status ? (
                  <Badge tone={STATUS_TONE[status]}>{t(`sellerStatus.${status}`)}</Badge>
                ) : (
                  <Badge>{seller.activeLinks > 0 ? t("sellerStatus.linkSent") : t("sellerStatus.notStarted")}</Badge>
                )}
              </Td>
              <Td>{format.number(seller.activeLinks, "integer")}</Td>
              <Td className="whitespace-nowrap">{format.dateTime(seller.createdAt, "dateTimeZone")}</Td>
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
            {t("older")}
          </Link>
        </p>
      )}
    </>
  );
}
