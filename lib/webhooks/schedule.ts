// When a failed delivery is tried again. Production values; tests pass a compressed schedule instead.

/** Wait before attempt n+1 after n failed attempts: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_SCHEDULE_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** An endpoint whose attempts have all failed for this long is disabled. */
export const FAILING_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

/** Each request's deadline (connect + answer). */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** A Retry-After longer than this is capped (a receiver cannot park a delivery for days). */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Milliseconds until the next attempt after `failedAttempts` failures (1 = the first attempt failed), or
 * null when the schedule is spent. ±10 % jitter spreads retries of many deliveries; a Retry-After (429/503)
 * is never undercut.
 */
export function nextAttemptDelayMs(
  failedAttempts: number,
  opts: { schedule?: readonly number[]; retryAfterMs?: number | undefined; random?: () => number } = {},
): number | null {
  const schedule = opts.schedule ?? RETRY_SCHEDULE_MS;
  if (failedAttempts >= schedule.length) return null;
  const base = schedule[failedAttempts] ?? 0;
  const jitter = base * 0.1 * ((opts.random ?? Math.random)() * 2 - 1);
  const planned = Math.max(0, Math.round(base + jitter));
  const retryAfter = opts.retryAfterMs === undefined ? 0 : Math.min(opts.retryAfterMs, MAX_RETRY_AFTER_MS);
  return Math.max(planned, retryAfter);
}
