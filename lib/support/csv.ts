// The requests export: RFC 4180 CSV, one line per request, no secret (the list's columns only).
import type { ListRow } from "@/lib/support/sql";

export const CSV_COLUMNS = [
  "reference",
  "status",
  "created_at",
  "updated_at",
  "seller_name",
  "seller_email",
  "project_code",
  "oauth_request_id",
  "failure_stage",
  "failure_http_status",
  "failure_message",
  "request_id",
  "seller_id",
] as const;

/**
 * One CSV field. Quotes when needed; a text starting with = + - @ (or a tab/CR) is prefixed with "'" so a
 * spreadsheet never evaluates a seller-supplied name as a formula (OWASP CSV injection).
 */
export function csvField(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}

export function csvRow(row: ListRow): string {
  const values = [
    row.reference,
    row.status,
    new Date(row.created_at),
    new Date(row.updated_at),
    row.seller_name,
    row.seller_email,
    row.project_code,
    row.oauth_request_id,
    row.failure_stage,
    row.failure_http_status === null ? null : Number(row.failure_http_status),
    row.failure_message,
    row.id,
    row.seller_id,
  ];
  return `${values.map(csvField).join(",")}\r\n`;
}
