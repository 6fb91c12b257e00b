import { useFormatter, useTranslations } from "next-intl";
import { Ident } from "@/components/i18n/ident";
import type { SellerConnectionStatus } from "@/lib/noon/status";

/** What this seller has connected so far (project codes and key ids only). */
export function ConnectionList({ status }: { status: SellerConnectionStatus }) {
  const t = useTranslations("seller.connections");
  const format = useFormatter();
  if (status.credentials.length === 0) {
    return <p className="text-slate-700">{t("none")}</p>;
  }
  return (
    <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white" aria-label={t("listLabel")}>
      {status.credentials.map((c) => (
        <li key={c.keyId} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
          <span>
            {t.rich("project", {
              projectCode: c.projectCode,
              strong: (chunks) => (
                <strong className="font-semibold text-slate-900">
                  <Ident>{chunks}</Ident>
                </strong>
              ),
            })}
          </span>
          <span className={c.status === "SUPERSEDED" ? "text-sm text-slate-600" : "text-sm font-medium text-green-800"}>
            {t("since", {
              status: t(`status.${c.status}`),
              date: format.dateTime(c.connectedAt, "dateTimeZone"),
            })}
          </span>
        </li>
      ))}
    </ul>
  );
}
