/**
 * Dates in the dashboard: UTC, minutes, the same everywhere (server and client render alike).
 * @deprecated English only: use `<When>` (components/admin/when.tsx), which follows the page's language.
 */
export function formatUtc(date: Date | string | null | undefined): string {
  if (!date) return "—";
  const d = typeof date === "string" ? new Date(date) : date;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
