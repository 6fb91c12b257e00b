import type { useFormatter } from "next-intl";
import type { AuthorizationStatus } from "@/lib/support/sql";

type Formatter = Pick<ReturnType<typeof useFormatter>, "number">;
type GapUnit = "ms" | "s" | "minSec" | "hourMin" | "dayHour";
/** useTranslations("admin.support.gap"): "{a} min {b} s" and the like, in the reader's language. */
type GapTexts = (unit: GapUnit, values: { a: string; b?: string }) => string;

/** "+450 ms", "+4.5 s", "+3 min 5 s", "+2 h 10 min", "+20 d 4 h" (in the reader's language and digits): the gap between two timeline events. */
export function formatGap(ms: number | null, texts: GapTexts, format: Formatter): string {
  if (ms === null) return "—";
  const sign = ms < 0 ? "−" : "+";
  const abs = Math.abs(ms);
  const n = (value: number, digits = 0) =>
    format.number(value, { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (abs < 1000) return sign + texts("ms", { a: n(abs) });
  const s = Math.floor(abs / 1000);
  if (s < 60) return sign + texts("s", { a: n(abs / 1000, abs < 10_000 ? 1 : 0) });
  const m = Math.floor(s / 60);
  if (m < 60) return sign + texts("minSec", { a: n(m), b: n(s % 60) });
  const h = Math.floor(m / 60);
  if (h < 48) return sign + texts("hourMin", { a: n(h), b: n(m % 60) });
  return sign + texts("dayHour", { a: n(Math.floor(h / 24)), b: n(h % 24) });
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

/** "1,234", "10,000+", "≈ 712,400", "—" (not counted), with the reader's digits. */
export function formatCount(
  c: { count: number | null; exact: boolean; estimated: boolean },
  format: Pick<Formatter, "number">,
): string {
  if (c.count === null) return "—";
  const n = format.number(c.count, "integer");
  if (c.exact) return n;
  return c.estimated ? `≈ ${n}` : `${n}+`;
}
