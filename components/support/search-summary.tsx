import { useTranslations } from "next-intl";
import type { AuthorizationPage } from "@/lib/support/core";
import { Ident } from "@/components/i18n/ident";

/** Says how the search box input was understood, so a miss is not a mystery. */
export function SearchSummary({ search }: { search: AuthorizationPage["search"] }) {
  const t = useTranslations("admin.support.searchMode");
  if (search.mode === "none") return null;
  const value = (chunks: React.ReactNode) => (
    <strong className="font-semibold">
      {search.mode === "seller" ? <bdi>{chunks}</bdi> : <Ident className="">{chunks}</Ident>}
    </strong>
  );
  return (
    <p className="mb-3 text-sm text-slate-800" data-testid="search-summary">
      {t.rich(search.mode, { value: search.value, strong: value })}
    </p>
  );
}
