import { useFormatter } from "next-intl";

/** A moment in the dashboard: date and time in UTC in the page's language (formats.ts), or a dash. */
export function When({
  date,
  format = "dateTimeZone",
}: {
  date: Date | string | null | undefined;
  format?: "dateTimeZone" | "date";
}) {
  const f = useFormatter();
  if (!date) return <>—</>;
  const d = typeof date === "string" ? new Date(date) : date;
  return <time dateTime={d.toISOString()}>{f.dateTime(d, format)}</time>;
}
