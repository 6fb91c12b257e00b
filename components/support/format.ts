import type { AuthorizationStatus } from "@/lib/support/sql";

/** "+450 ms", "+45 s", "+3 min 5 s", "+2 h 10 min", "+20 d 4 h": the gap between two timeline events. */
export function formatGap(ms: number | null): string {
  if (ms === null) return "—";
  const sign = ms < 0 ? "−" : "+";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${abs} ms`;
  const s = Math.floor(abs / 1000);
  if (s < 60) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${sign}${h} h ${m % 60} min`;
  return `${sign}${Math.floor(h / 24)} d ${h % 24} h`;
}

export type Tone = "neutral" | "success" | "warning" | "danger" | "info";

export const STATUS_TONE: Record<AuthorizationStatus, Tone> = {
  STARTED: "info",
  PENDING_KEY_STORAGE: "warning",
  COMPLETED: "success",
  DECLINED: "danger",
  REJECTED: "danger",
  FAILED: "danger",
  EXPIRED: "neutral",
  SUPERSEDED: "neutral",
};

/** "1,234", "10,000+", "≈ 712,400", "—" (not counted). */
export function formatCount(c: { count: number | null; exact: boolean; estimated: boolean }): string {
  if (c.count === null) return "—";
  const n = c.count.toLocaleString("en");
  if (c.exact) return n;
  return c.estimated ? `≈ ${n}` : `${n}+`;
}
