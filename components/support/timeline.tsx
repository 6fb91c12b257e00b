import type { TimelineEvent } from "@/lib/support/queries";
import { formatUtc } from "@/components/admin/format";
import { formatGap } from "@/components/support/format";

const LABELS: Record<string, string> = {
  started: "Seller clicked Connect",
  callback_received: "Callback from Noon received",
  rejected: "Callback rejected",
  declined: "Seller declined on Noon",
  token_created: "Access token created",
  exchanged: "Access token exchanged for a service account",
  key_stored: "Private key stored in the secret store",
  key_pending_storage: "Private key waiting for the secret store",
  completed: "Completed",
  failed: "Failed",
  expired: "Expired (no callback in time)",
  superseded: "Superseded by a newer connection",
  key_verified: "Key verified with Noon",
  key_verification_failed: "Key verification failed",
  needs_reconnect: "Needs reconnect",
};

function exactTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace("Z", "")} UTC`;
}

/** Every event with its exact time and the time since the previous one. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  if (!events.length) return <p className="mt-2 text-sm text-slate-700">No events recorded.</p>;
  return (
    <ol className="mt-3 flex flex-col" data-testid="timeline">
      {events.map((e) => {
        const bad =
          e.type === "failed" ||
          e.type === "rejected" ||
          e.type === "declined" ||
          e.type === "expired" ||
          e.type === "key_verification_failed" ||
          e.type === "needs_reconnect";
        return (
          <li key={e.id} className="relative border-s-2 border-slate-300 pb-4 ps-4 last:pb-0">
            <span
              aria-hidden="true"
              className={`absolute -start-[7px] top-1.5 h-3 w-3 rounded-full ${bad ? "bg-red-700" : "bg-brand-700"}`}
            />
            <div className="flex flex-col gap-0.5 sm:flex-row sm:flex-wrap sm:items-baseline sm:gap-3">
              <span className={`font-medium ${bad ? "text-red-800" : "text-slate-900"}`}>
                {LABELS[e.type] ?? e.type}
              </span>
              <time dateTime={e.at.toISOString()} title={formatUtc(e.at)} className="font-mono text-xs text-slate-700">
                {exactTime(e.at)}
              </time>
              <span className="text-xs text-slate-700">
                <span className="sr-only">Time since the previous event: </span>
                {formatGap(e.sincePreviousMs)}
              </span>
            </div>
            {(e.stage || e.httpStatus !== null || e.message) && (
              <dl className="mt-1 grid gap-x-3 text-sm sm:grid-cols-[max-content_1fr]">
                {e.stage && (
                  <>
                    <dt className="text-slate-700">Stage</dt>
                    <dd className="font-mono">{e.stage}</dd>
                  </>
                )}
                {e.httpStatus !== null && (
                  <>
                    <dt className="text-slate-700">HTTP status</dt>
                    <dd>{e.httpStatus}</dd>
                  </>
                )}
                {e.message && (
                  <>
                    <dt className="text-slate-700">Message</dt>
                    <dd className="break-words">{e.message}</dd>
                  </>
                )}
              </dl>
            )}
            {Object.keys(e.details).length > 0 && (
              <p className="mt-1 break-words text-xs text-slate-700">
                {Object.entries(e.details)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(" · ")}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
