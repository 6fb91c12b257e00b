// Named date and number formats shared by every page (next-intl's `formats`), used as
// `format.dateTime(date, "dateTime")`. Times are shown in UTC and say so.
import type { Formats } from "next-intl";

export const TIME_ZONE = "UTC";

export const FORMATS = {
  dateTime: {
    date: { dateStyle: "medium" },
    dateTime: { dateStyle: "medium", timeStyle: "short" },
    dateTimeZone: {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "short",
    },
    time: { hour: "2-digit", minute: "2-digit", second: "2-digit" },
    // A timeline event to the millisecond (the staff dashboard's request timeline).
    preciseDateTime: {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      fractionalSecondDigits: 3,
      timeZoneName: "short",
    },
  },
  number: {
    integer: { maximumFractionDigits: 0 },
    percent: { style: "percent", maximumFractionDigits: 1 },
  },
} satisfies Formats;
