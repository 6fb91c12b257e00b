import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { AuthorizationListItem } from "@/lib/support/core";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { StatusBadge } from "@/components/support/status-badge";
import { StageName } from "@/components/support/stage-name";
import { Ident } from "@/components/i18n/ident";

export function RequestsTable({ items, filtered }: { items: AuthorizationListItem[]; filtered: boolean }) {
  const t = useTranslations("admin.support.table");
  const format = useFormatter();
  const head = [t("reference"), t("status"), t("seller"), t("started"), t("projectCode"), t("failure")];
  return (
    <Table caption={t("caption")} head={head}>
      {items.length === 0 && <EmptyRow colSpan={head.length}>{filtered ? t("noMatch") : t("none")}</EmptyRow>}
      {items.map((item) => (
        <tr key={item.id} data-testid="request-row">
          <Td className="whitespace-nowrap font-mono">
            <Link href={`/admin/requests/${item.id}`} className="font-medium text-brand-700 underline">
              <Ident>{item.reference}</Ident>
            </Link>
          </Td>
          <Td>
            <StatusBadge status={item.status} />
          </Td>
          <Td>
            <Link href={`/admin/sellers/${item.seller.id}`} className="text-brand-700 underline">
              {item.seller.name}
            </Link>
            {item.seller.email && (
              <div className="text-xs text-slate-700">
                <Ident className="break-all">{item.seller.email}</Ident>
              </div>
            )}
          </Td>
          <Td className="whitespace-nowrap">{format.dateTime(item.createdAt, "dateTimeZone")}</Td>
          <Td className="whitespace-nowrap">{item.projectCode ? <Ident>{item.projectCode}</Ident> : "—"}</Td>
          <Td className="min-w-56">
            {item.failureStage || item.failureMessage ? (
              <>
                <span className="font-medium">
                  {item.failureStage ? <StageName stage={item.failureStage} /> : t("unknownStage")}
                </span>
                {item.failureHttpStatus !== null && (
                  <span>
                    {" "}
                    · {t.rich("http", { status: item.failureHttpStatus, ident: (chunks) => <Ident>{chunks}</Ident> })}
                  </span>
                )}
                {item.failureMessage && (
                  <div lang="en" dir="ltr" className="line-clamp-2 text-start text-xs text-slate-700">
                    {item.failureMessage}
                  </div>
                )}
              </>
            ) : (
              "—"
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
