// Health of a connection, for everyone who may read the dashboard (support included).
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { When } from "@/components/admin/when";
import type { ConnectionHealth } from "@/lib/connections/queries";

const TONE: Record<ConnectionHealth["status"], "success" | "danger" | "warning" | "neutral"> = {
  healthy: "success",
  failing: "danger",
  cooldown: "warning",
  disabled: "neutral",
  unknown: "neutral",
};

export function HealthBadge({ health }: { health: ConnectionHealth }) {
  const t = useTranslations("admin.connections.health.status");
  return <Badge tone={TONE[health.status]}>{t(health.status)}</Badge>;
}

export function HealthPanel({ health }: { health: ConnectionHealth }) {
  const t = useTranslations("admin.connections.health");
  const rows: Array<[string, React.ReactNode]> = [
    [t("statusLabel"), <HealthBadge key="s" health={health} />],
    [t("lastSuccess"), <When key="ls" date={health.lastSuccessAt} />],
    [t("lastFailure"), <When key="lf" date={health.lastFailureAt} />],
    [
      t("lastFailureMessage"),
      // The provider's or our English diagnostic, kept as recorded.
      health.lastFailureMessage ? (
        <bdi key="m" lang="en" dir="ltr">
          {health.lastFailureMessage}
        </bdi>
      ) : (
        "—"
      ),
    ],
    [t("consecutiveFailures"), t("count", { count: health.consecutiveFailures })],
    [t("cooldownUntil"), health.status === "cooldown" ? <When key="c" date={health.cooldownUntil} /> : "—"],
    [t("tokenExpires"), <When key="te" date={health.tokenExpiresAt} />],
  ];
  return (
    <section aria-labelledby="health" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="health" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="font-medium text-slate-700">{label}</dt>
            <dd className="break-words text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
