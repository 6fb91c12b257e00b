import { Badge } from "@/components/ui/badge";
import { STATUS_LABELS } from "@/lib/support/filters";
import type { AuthorizationStatus } from "@/lib/support/sql";
import { STATUS_TONE } from "@/components/support/format";

export function StatusBadge({ status }: { status: AuthorizationStatus }) {
  return <Badge tone={STATUS_TONE[status]}>{STATUS_LABELS[status]}</Badge>;
}
