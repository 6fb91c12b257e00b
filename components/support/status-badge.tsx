import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import type { AuthorizationStatus } from "@/lib/support/sql";
import { STATUS_TONE } from "@/components/support/format";

export function StatusBadge({ status }: { status: AuthorizationStatus }) {
  const t = useTranslations("admin.support.status");
  return <Badge tone={STATUS_TONE[status]}>{t(status)}</Badge>;
}
