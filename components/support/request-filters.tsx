import Form from "next/form";
import Link from "next/link";
import { AUTHORIZATION_STATUSES } from "@/lib/support/sql";
import { STATUS_LABELS, type ListParams } from "@/lib/support/filters";
import { buttonClass } from "@/components/ui/button-class";

const input = "min-h-10 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900";

/**
 * A GET form (next/form: a client-side navigation with the loading state, a plain GET without
 * JavaScript): the filters become the URL, so a view can be shared by link. Submitting starts from the
 * first page (no cursor).
 */
export function RequestFilters({ params }: { params: ListParams }) {
  return (
    <Form
      role="search"
      action="/admin/requests"
      className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-6"
    >
      <div className="flex flex-col gap-1 sm:col-span-2">
        <label htmlFor="requests-q" className="text-sm font-medium">
          Search
        </label>
        <input
          id="requests-q"
          name="q"
          type="search"
          defaultValue={params.q ?? ""}
          maxLength={200}
          placeholder="Reference, oauth_request_id, project code, seller name or e-mail"
          aria-describedby="requests-q-hint"
          className={input}
        />
        <p id="requests-q-hint" className="text-xs text-slate-700">
          A reference looks like NA-7K3Q9XWD; an oauth_request_id is a UUID.
        </p>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="requests-status" className="text-sm font-medium">
          Status
        </label>
        <select id="requests-status" name="status" defaultValue={params.status?.toLowerCase() ?? ""} className={input}>
          <option value="">All statuses</option>
          {AUTHORIZATION_STATUSES.map((s) => (
            <option key={s} value={s.toLowerCase()}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="requests-from" className="text-sm font-medium">
          From (UTC)
        </label>
        <input id="requests-from" name="from" type="date" defaultValue={params.from ?? ""} className={input} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="requests-to" className="text-sm font-medium">
          To (UTC, inclusive)
        </label>
        <input id="requests-to" name="to" type="date" defaultValue={params.to ?? ""} className={input} />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="requests-sort" className="text-sm font-medium">
          Order
        </label>
        <select id="requests-sort" name="sort" defaultValue={params.sort} className={input}>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </select>
      </div>
      {params.seller && <input type="hidden" name="seller" value={params.seller} />}
      <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-6">
        <button type="submit" className={buttonClass("primary")}>
          Apply filters
        </button>
        <Link href="/admin/requests" className={buttonClass("secondary")}>
          Clear
        </Link>
      </div>
    </Form>
  );
}
