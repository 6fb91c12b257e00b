"use client";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { usePoll } from "@/components/ui/use-poll";

const INTERVAL_MS = 3_000;

interface Progress {
  status: string;
  inProgress: boolean;
  updatedAt: string;
  events: number;
}

/**
 * While a request is in progress: polls its small progress endpoint and re-renders the page (server
 * components, router.refresh) when anything changed. Stops by itself once the request has finished.
 */
export function AutoRefresh({ progressUrl, initial }: { progressUrl: string; initial: Progress }) {
  const router = useRouter();
  const last = useRef(initial);
  const [live, setLive] = useState(initial.inProgress);

  usePoll(
    async () => {
      const res = await fetch(progressUrl, { cache: "no-store", headers: { accept: "application/json" } });
      if (!res.ok) return;
      const now = (await res.json()) as Progress;
      const before = last.current;
      if (now.status !== before.status || now.events !== before.events || now.updatedAt !== before.updatedAt) {
        last.current = now;
        router.refresh();
      }
      if (!now.inProgress) {
        setLive(false);
        return "stop";
      }
    },
    { intervalMs: INTERVAL_MS, enabled: live },
  );

  return (
    <p role="status" className="text-sm text-slate-700">
      {live ? (
        <>
          <span
            className="me-2 inline-block h-2 w-2 animate-pulse rounded-full bg-brand-700 motion-reduce:animate-none"
            aria-hidden="true"
          />
          In progress: this page updates by itself.
        </>
      ) : (
        "This request has finished; the page no longer updates."
      )}
    </p>
  );
}
