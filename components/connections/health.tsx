// Health of a connection, for everyone who may read the dashboard (support included).
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/admin/format";
import type { ConnectionHealth } from "@/lib/connections/queries";

const STATUS: Record<
  ConnectionHealth["status"],
  { label: string; tone: "success" | "danger" | "warning" | "neutral" }
> = {
  healthy: { label: "Healthy", tone: "success" },
  failing: { label: "Failing", tone: "danger" },
  cooldown: { label: "Cooling down", tone: "warning" },
  disabled: { label: "Disabled", tone: "neutral" },
  unknown: { label: "Not used yet", tone: "neutral" },
};

export function HealthBadge({ health }: { health: ConnectionHealth }) {
  const s = STATUS[health.status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function HealthPanel({ health }: { health: ConnectionHealth }) {
  const rows: Array<[string, React.ReactNode]> = [
    ["Status", <HealthBadge key="s" health={health} />],
    ["Last success", formatUtc(health.lastSuccessAt)],
    ["Last failure", formatUtc(health.lastFailureAt)],
    ["Last failure message", health.lastFailureMessage ?? "—"],
    ["Consecutive failures", String(health.consecutiveFailures)],
    ["Cooldown until", health.status === "cooldown" ? formatUtc(health.cooldownUntil) : "—"],
    ["Current token expires", formatUtc(health.tokenExpiresAt)],
  ];
  return (
    <section aria-labelledby="health" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="health" className="text-lg font-semibold">
        Health
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
