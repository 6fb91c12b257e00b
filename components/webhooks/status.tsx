// Status badges of the webhooks pages: words, not colour alone.
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { When } from "@/components/admin/when";

const REASONS = ["admin", "gone", "failing"] as const;
const reasonOf = (reason: string | null) => REASONS.find((r) => r === (reason ?? "admin")) ?? ("other" as const);

export function EndpointStatus({
  disabledAt,
  disabledReason,
  failingSince,
}: {
  disabledAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
}) {
  const t = useTranslations("admin.webhooks.status");
  if (disabledAt) return <Badge tone="danger">{t(`disabled.${reasonOf(disabledReason)}`)}</Badge>;
  if (failingSince)
    return <Badge tone="warning">{t.rich("failingSince", { when: () => <When date={failingSince} /> })}</Badge>;
  return <Badge tone="success">{t("enabled")}</Badge>;
}

export function DeliveryStatusBadge({
  status,
  attempts,
}: {
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  attempts: number;
}) {
  const t = useTranslations("admin.webhooks.status");
  if (status === "SUCCEEDED") return <Badge tone="success">{t("delivered")}</Badge>;
  if (status === "FAILED") return <Badge tone="danger">{t("failed")}</Badge>;
  return <Badge tone={attempts > 0 ? "warning" : "info"}>{attempts > 0 ? t("retrying") : t("queued")}</Badge>;
}
