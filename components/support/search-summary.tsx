import type { AuthorizationPage } from "@/lib/support/core";

const MODES: Record<AuthorizationPage["search"]["mode"], string> = {
  none: "",
  reference: "Searching by reference",
  uuid: "Searching by oauth_request_id (or request id)",
  projectCode: "Searching by Noon project code",
  seller: "Searching sellers' names and e-mail addresses for",
};

/** Says how the search box input was understood, so a miss is not a mystery. */
export function SearchSummary({ search }: { search: AuthorizationPage["search"] }) {
  if (search.mode === "none") return null;
  return (
    <p className="mb-3 text-sm text-slate-800" data-testid="search-summary">
      {MODES[search.mode]} <strong className="font-semibold">{search.value}</strong>
    </p>
  );
}
