import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/guard";
import { auditFilterSchema, listAuditEvents } from "@/lib/audit/queries";
import { AUDIT_ACTION_AREAS, AUDIT_ACTIONS } from "@/lib/audit/actions";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button-class";
import { formatUtc } from "@/components/admin/format";

export const metadata: Metadata = { title: "Audit" };

const FILTERS = ["actor", "action", "target", "from", "to"] as const;

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePagePermission("readAudit");
  const raw = await searchParams;
  const text = (k: string) => (typeof raw[k] === "string" ? raw[k] : undefined);
  const parsed = auditFilterSchema.safeParse(Object.fromEntries([...FILTERS, "cursor"].map((k) => [k, text(k)])));
  const filter = parsed.success ? parsed.data : {};
  const { rows, nextCursor } = await listAuditEvents(filter);
  const kept = Object.fromEntries(FILTERS.map((k) => [k, text(k) ?? ""]).filter(([, v]) => v));

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every sign-in and every change made by staff or an API key, newest first. Times are UTC."
      />
      <form
        method="get"
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6"
      >
        {[
          { name: "actor", label: "Actor", hint: "e-mail, id or type" },
          { name: "action", label: "Action", hint: "e.g. staff. or link.revoked", list: "audit-actions" },
          { name: "target", label: "Target", hint: "id or type:id" },
          { name: "from", label: "From (UTC)", type: "datetime-local" },
          { name: "to", label: "To (UTC)", type: "datetime-local" },
        ].map((f) => (
          <div key={f.name} className="flex flex-col gap-1">
            <label htmlFor={`audit-${f.name}`} className="text-sm font-medium">
              {f.label}
            </label>
            <input
              id={`audit-${f.name}`}
              name={f.name}
              type={f.type}
              defaultValue={text(f.name) ?? ""}
              placeholder={f.hint}
              list={f.list}
              className="min-h-10 rounded-md border border-slate-400 bg-white px-3 py-2 text-sm"
            />
          </div>
        ))}
        {/* The action filter matches a prefix: an area ("staff.") or one action. */}
        <datalist id="audit-actions">
          {[...AUDIT_ACTION_AREAS, ...AUDIT_ACTIONS].map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass("primary")}>
            Filter
          </button>
          <Link href="/admin/audit" className={buttonClass("secondary")}>
            Clear
          </Link>
        </div>
      </form>
      {!parsed.success && (
        <Alert tone="error">A filter value is not valid (dates look like 2026-01-31T09:00); showing everything.</Alert>
      )}
      <Table caption="Audit events" head={["When (UTC)", "Actor", "Action", "Target", "From", "Outcome"]}>
        {rows.length === 0 && <EmptyRow colSpan={6}>No events match.</EmptyRow>}
        {rows.map((e) => (
          <tr key={e.id}>
            <Td className="whitespace-nowrap">{formatUtc(e.at)}</Td>
            <Td>
              <div>{e.actorLabel ?? e.actorId ?? "—"}</div>
              <div className="text-xs text-slate-600">{e.actorType}</div>
            </Td>
            <Td>
              <code>{e.action}</code>
              {e.count > 1 && (
                <div className="text-xs text-slate-600">
                  {e.count} times{e.lastAt ? `, last ${formatUtc(e.lastAt)}` : ""}
                </div>
              )}
            </Td>
            <Td className="break-all">{e.targetType ? `${e.targetType}:${e.targetId ?? ""}` : "—"}</Td>
            <Td>{e.ip ?? "—"}</Td>
            <Td>
              <Badge tone={e.outcome === "success" ? "success" : e.outcome === "denied" ? "warning" : "danger"}>
                {e.outcome}
              </Badge>
            </Td>
          </tr>
        ))}
      </Table>
      {nextCursor && (
        <p className="mt-4">
          <Link
            href={`/admin/audit?${new URLSearchParams({ ...kept, cursor: nextCursor })}`}
            className={buttonClass("secondary")}
          >
            Older events
          </Link>
        </p>
      )}
    </>
  );
}
