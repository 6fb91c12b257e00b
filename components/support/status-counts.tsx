import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { listQueryString, type ListParams } from "@/lib/support/filters";
import type { StatusCount } from "@/lib/support/core";
import { formatCount } from "@/components/support/format";

/** Counts per status for the current filters; each is a link that filters by it (keeping the rest). */
export function StatusCounts({ counts, params }: { counts: StatusCount[]; params: ListParams }) {
  const t = useTranslations("admin.support.counts");
  const status = useTranslations("admin.support.status");
  const format = useFormatter();
  const anyUncounted = counts.some((c) => c.count === null);
  const anyEstimate = counts.some((c) => c.estimated);
  const anyBound = counts.some((c) => c.count !== null && !c.exact && !c.estimated);
  const base =
    "flex min-h-10 flex-col rounded-md border px-3 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-700";
  return (
    <nav aria-label={t("label")} className="mb-4">
      <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-9">
        <li>
          <Link
            href={`/admin/requests${listQueryString(params, { status: undefined, cursor: undefined })}`}
            aria-current={params.status ? undefined : "page"}
            className={`${base} ${params.status ? "border-slate-300 bg-white hover:bg-slate-100" : "border-brand-700 bg-brand-50"}`}
          >
            <span className="text-slate-700">{t("all")}</span>
            <span className="font-semibold text-slate-900">&nbsp;</span>
          </Link>
        </li>
        {counts.map((c) => {
          const current = params.status === c.status;
          return (
            <li key={c.status}>
              <Link
                href={`/admin/requests${listQueryString(params, { status: c.status.toLowerCase(), cursor: undefined })}`}
                aria-current={current ? "page" : undefined}
                className={`${base} ${current ? "border-brand-700 bg-brand-50" : "border-slate-300 bg-white hover:bg-slate-100"}`}
                data-testid={`count-${c.status.toLowerCase()}`}
              >
                <span className="text-slate-700">{status(c.status)}</span>
                <span className="font-semibold tabular-nums text-slate-900">{formatCount(c, format)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
      {(anyUncounted || anyEstimate || anyBound) && (
        <p className="mt-2 text-xs text-slate-700">
          {anyEstimate && <span className="me-1">{t("estimated")}</span>}
          {anyBound && <span className="me-1">{t("bounded")}</span>}
          {anyUncounted && <span>{t("uncounted")}</span>}
        </p>
      )}
    </nav>
  );
}
