// Tallies: repeated events of one kind from one address are counted on one row per hour instead of
// written one row each (unknown API keys in the audit trail, rejected Noon callbacks).

export const TALLY_WINDOW_MS = 60 * 60 * 1000;

/** The start of the tally window holding `at` (windows are aligned to the hour, UTC). */
export function tallyWindowStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / TALLY_WINDOW_MS) * TALLY_WINDOW_MS);
}

/** The row key of one tally: its parts and the window, e.g. "api_key.rejected|unknown|ip:10.0.0.1|2026-…". */
export function tallyKey(parts: (string | null)[], at: Date): string {
  return [...parts.map((p) => p ?? "-"), tallyWindowStart(at).toISOString()].join("|");
}
