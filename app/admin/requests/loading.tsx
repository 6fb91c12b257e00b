import { useTranslations } from "next-intl";
import { LoadingPanel } from "@/components/support/loading-panel";

export default function Loading() {
  const t = useTranslations("admin.requests");
  return <LoadingPanel label={t("loading")} />;
}
