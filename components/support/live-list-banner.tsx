"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { usePoll } from "@/components/ui/use-poll";

const INTERVAL_MS = 10_000;

/**
 * On the first page of the newest-first list: asks every 10 s how many matching requests arrived since
 * the page was rendered, and offers to show them (the page itself stays put while someone reads it).
 */
export function LiveListBanner({ pollUrl }: { pollUrl: string }) {
  const router = useRouter();
  const [count, setCount] = useState(0);
  const [pending, startTransition] = useTransition();
  usePoll(
    async () => {
      const res = await fetch(pollUrl, { cache: "no-store", headers: { accept: "application/json" } });
      if (!res.ok) return;
      const body = (await res.json()) as { newCount?: unknown };
      if (typeof body.newCount === "number") setCount(body.newCount);
    },
    { intervalMs: INTERVAL_MS, hiddenIntervalMs: INTERVAL_MS * 3 },
  );

  return (
    <div aria-live="polite" className="min-h-0">
      {count > 0 && (
        <p className="mb-3 flex flex-wrap items-center gap-3 rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-slate-900">
          {count >= 100 ? "100 or more" : count} new request{count === 1 ? "" : "s"} since this page loaded.
          {/* Renders the page again on the server: the list from the top, new counts, a new marker. */}
          <button
            type="button"
            disabled={pending}
            onClick={() =>
              startTransition(() => {
                setCount(0);
                router.refresh();
              })
            }
            className="min-h-10 rounded-md px-2 font-medium text-brand-700 underline disabled:text-slate-600"
          >
            {pending ? "Loading…" : "Show them"}
          </button>
        </p>
      )}
    </div>
  );
}
