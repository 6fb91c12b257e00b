"use client";
import { useEffect, useRef } from "react";

export type PollOptions = {
  /** Time between the end of one poll and the start of the next. */
  intervalMs: number;
  /** While the tab is hidden (default: intervalMs). */
  hiddenIntervalMs?: number;
  /** Polls only while true (default true). */
  enabled?: boolean;
};

/**
 * Runs `poll` every intervalMs while enabled, one at a time, the first after one interval; stops when it
 * returns "stop" or the component unmounts. A poll that throws (a network hiccup) is retried next time.
 */
export function usePoll(poll: () => Promise<"stop" | void>, options: PollOptions): void {
  const { intervalMs, hiddenIntervalMs = intervalMs, enabled = true } = options;
  const latest = useRef(poll);
  useEffect(() => {
    latest.current = poll;
  });
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      if (stopped) return;
      timer = setTimeout(tick, document.visibilityState === "hidden" ? hiddenIntervalMs : intervalMs);
    };
    const tick = async () => {
      try {
        if ((await latest.current()) === "stop") return;
      } catch {
        // Offline for a moment: try again at the next tick.
      }
      next();
    };
    next();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [enabled, intervalMs, hiddenIntervalMs]);
}
