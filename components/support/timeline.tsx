import { useFormatter, useTranslations } from "next-intl";
import type { TimelineEvent } from "@/lib/support/queries";
import { formatGap } from "@/components/support/format";
import { StageName } from "@/components/support/stage-name";
import { Ident } from "@/components/i18n/ident";

const BAD = new Set(["failed", "rejected", "declined", "expired", "key_verification_failed", "needs_reconnect"]);

/**
 * Every event with its exact time and the time since the previous one. Titles, stages, rejection reasons and
 * verification outcomes are codes, shown in the reader's language; a diagnostic message (Noon's own words or
 * ours, recorded in English) is shown as recorded, marked as English.
 */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  const t = useTranslations("admin.support.timeline");
  const format = useFormatter();
  const gap = useTranslations("admin.support.gap");
  if (!events.length) return <p className="mt-2 text-sm text-slate-700">{t("none")}</p>;
  return (
    <ol className="mt-3 flex flex-col" data-testid="timeline">
      {events.map((e) => {
        const bad = BAD.has(e.type);
        const typeKey = `event.${e.type}` as Parameters<typeof t>[0];
        const reasonKey = `rejection.${e.message ?? ""}` as Parameters<typeof t>[0];
        const outcomeKey = `outcome.${e.details.outcome ?? ""}` as Parameters<typeof t>[0];
        // A rejected callback records its reason as a code; a verification its outcome.
        const reason = e.type === "rejected" && e.message && t.has(reasonKey) ? t(reasonKey) : null;
        const outcome =
          (e.type === "key_verified" || e.type === "key_verification_failed") && t.has(outcomeKey)
            ? t(outcomeKey)
            : null;
        const details = Object.entries(e.details);
        return (
          <li key={e.id} className="relative border-s-2 border-slate-300 pb-4 ps-4 last:pb-0">
            <span
              aria-hidden="true"
              className={`absolute -start-[7px] top-1.5 h-3 w-3 rounded-full ${bad ? "bg-red-700" : "bg-brand-700"}`}
            />
            <div className="flex flex-col gap-0.5 sm:flex-row sm:flex-wrap sm:items-baseline sm:gap-3">
              <span className={`font-medium ${bad ? "text-red-800" : "text-slate-900"}`}>
                {t.has(typeKey) ? t(typeKey) : <Ident>{e.type}</Ident>}
              </span>
              <time dateTime={e.at.toISOString()} className="text-xs text-slate-700 tabular-nums">
                {format.dateTime(e.at, "preciseDateTime")}
              </time>
              <span className="text-xs text-slate-700">
                <span className="sr-only">{t("sincePrevious")} </span>
                <bdi>{formatGap(e.sincePreviousMs, (unit, values) => gap(unit, values), format)}</bdi>
              </span>
            </div>
            {(e.stage || e.httpStatus !== null || e.message) && (
              <dl className="mt-1 grid gap-x-3 text-sm sm:grid-cols-[max-content_1fr]">
                {e.stage && (
                  <>
                    <dt className="text-slate-700">{t("stage")}</dt>
                    <dd>
                      <StageName stage={e.stage} />
                    </dd>
                  </>
                )}
                {e.httpStatus !== null && (
                  <>
                    <dt className="text-slate-700">{t("httpStatus")}</dt>
                    <dd>
                      <Ident>{e.httpStatus}</Ident>
                    </dd>
                  </>
                )}
                {(reason || outcome) && (
                  <>
                    <dt className="text-slate-700">{t("meaning")}</dt>
                    <dd>{reason ?? outcome}</dd>
                  </>
                )}
                {e.message && !reason && (
                  <>
                    <dt className="text-slate-700">{t("message")}</dt>
                    <dd lang="en" dir="ltr" className="break-words text-start">
                      {e.message}
                    </dd>
                  </>
                )}
              </dl>
            )}
            {details.length > 0 && (
              <p className="mt-1 break-words text-xs text-slate-700">
                <span className="sr-only">{t("details")} </span>
                <Ident className="font-mono">{details.map(([k, v]) => `${k}: ${v}`).join(" · ")}</Ident>
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
