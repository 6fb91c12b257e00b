import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/guard";
import { listQueryString, parseListParams, toListOptions } from "@/lib/support/filters";
import { countAuthorizationsByStatus, listAuthorizations, newestMarker, resolveSearch } from "@/lib/support/queries";
import { getSellerSummary } from "@/lib/sellers";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClass } from "@/components/ui/button-class";
import { RequestFilters } from "@/components/support/request-filters";
import { StatusCounts } from "@/components/support/status-counts";
import { RequestsTable } from "@/components/support/requests-table";
import { LiveListBanner } from "@/components/support/live-list-banner";
import { SearchSummary } from "@/components/support/search-summary";

export const metadata: Metadata = { title: "Noon authorization requests" };

export default async function RequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePagePermission("read");
  const params = parseListParams(await searchParams);
  const options = toListOptions(params);
  const search = await resolveSearch(options.q);
  const [page, counts, seller] = await Promise.all([
    listAuthorizations({ ...options, resolvedSearch: search }),
    countAuthorizationsByStatus({ ...options, resolvedSearch: search }),
    params.seller ? getSellerSummary(params.seller) : Promise.resolve(null),
  ]);
  const filtersOnly = listQueryString(params, { cursor: undefined });
  const marker = newestMarker(page.items[0]);
  const live = !params.cursor && params.sort === "newest";
  // The live banner asks for rows newer than the newest one shown (or than the beginning of time when empty).
  const pollQuery = new URLSearchParams(filtersOnly.slice(1));
  pollQuery.set("since", marker ?? "a.0.00000000-0000-0000-0000-000000000000");
  const olderLabel = params.sort === "newest" ? "Older" : "Newer";
  const newerLabel = params.sort === "newest" ? "Newer" : "Older";

  return (
    <>
      <PageHeader
        title="Noon authorization requests"
        description="Every time a seller clicked Connect Noon account: find one by its reference, oauth_request_id, project code or the seller."
        actions={
          <a href={`/api/admin/requests/export${filtersOnly}`} className={buttonClass("secondary")} download>
            Export CSV<span className="sr-only"> of the filtered list</span>
          </a>
        }
      />
      <RequestFilters params={params} />
      {seller && (
        <p className="mb-3 text-sm text-slate-800">
          Requests of seller{" "}
          <Link href={`/admin/sellers/${seller.id}`} className="font-medium text-brand-700 underline">
            {seller.name}
          </Link>{" "}
          ·{" "}
          <Link
            href={`/admin/requests${listQueryString(params, { seller: undefined, cursor: undefined })}`}
            className="text-brand-700 underline"
          >
            all sellers
          </Link>
        </p>
      )}
      <SearchSummary search={page.search} />
      <StatusCounts counts={counts} params={params} />
      {live && <LiveListBanner pollUrl={`/api/admin/requests/updates?${pollQuery}`} />}
      <RequestsTable
        items={page.items}
        filtered={Boolean(params.q || params.status || params.from || params.to || params.seller)}
      />
      <nav aria-label="Pages" className="mt-4 flex flex-wrap gap-2">
        {page.prevCursor ? (
          <Link
            href={`/admin/requests${listQueryString(params, { cursor: page.prevCursor })}`}
            className={buttonClass("secondary")}
            rel="prev"
          >
            ← {newerLabel}
          </Link>
        ) : null}
        {params.cursor ? (
          <Link href={`/admin/requests${filtersOnly}`} className={buttonClass("secondary")}>
            First page
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link
            href={`/admin/requests${listQueryString(params, { cursor: page.nextCursor })}`}
            className={buttonClass("secondary")}
            rel="next"
          >
            {olderLabel} →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
