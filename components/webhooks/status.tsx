// Status badges of the webhooks pages: words, not colour alone.
import { Badge } from "@/components/ui/badge";
import { formatUtc } from "@/components/admin/format";

const DISABLED_BECAUSE: Record<string, string> = {
  admin: "Disabled by an admin",
  gone: "Disabled: the receiver answered 410 Gone",
  failing: "Disabled: every attempt failed for 5 days",
};

export function EndpointStatus({
  disabledAt,
  disabledReason,
  failingSince,
}: {
  disabledAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
}) {
  if (disabledAt) return <Badge tone="danger">{DISABLED_BECAUSE[disabledReason ?? "admin"] ?? "Disabled"}</Badge>;
  if (failingSince) return <Badge tone="warning">Failing since {formatUtc(failingSince)}</Badge>;
  return <Badge tone="success">Enabled</Badge>;
}

export function DeliveryStatusBadge({
  status,
  attempts,
}: {
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  attempts: number;
}) {
  if (status === "SUCCEEDED") return <Badge tone="success">Delivered</Badge>;
  if (status === "FAILED") return <Badge tone="danger">Failed</Badge>;
  return <Badge tone={attempts > 0 ? "warning" : "info"}>{attempts > 0 ? "Retrying" : "Queued"}</Badge>;
}
