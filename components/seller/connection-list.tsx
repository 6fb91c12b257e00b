import type { SellerConnectionStatus } from "@/lib/noon/status";

const STATUS_LABEL = {
  ACTIVE: "Connected",
  PENDING_STORAGE: "Connected (finishing)",
  SUPERSEDED: "Replaced by a newer connection",
} as const;

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** What this seller has connected so far (project codes and key ids only). */
export function ConnectionList({ status }: { status: SellerConnectionStatus }) {
  if (status.credentials.length === 0) {
    return <p className="text-slate-700">No Noon account is connected yet.</p>;
  }
  return (
    <ul
      className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white"
      aria-label="Connected Noon accounts"
    >
      {status.credentials.map((c) => (
        <li key={c.keyId} className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
          <span>
            Project <strong className="font-semibold text-slate-900">{c.projectCode}</strong>
          </span>
          <span className={c.status === "SUPERSEDED" ? "text-sm text-slate-600" : "text-sm font-medium text-green-800"}>
            {STATUS_LABEL[c.status]} · {dateFormat.format(c.connectedAt)} UTC
          </span>
        </li>
      ))}
    </ul>
  );
}
