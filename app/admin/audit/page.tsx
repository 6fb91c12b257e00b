import type { Metadata } from "next";
import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { auditFilterSchema, listAuditEvents } from "@/lib/audit/queries";
import { AUDIT_ACTION_AREAS, AUDIT_ACTIONS } from "@/lib/audit/actions";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button-class";
import { Ident } from "@/components/i18n/ident";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.audit");
  return { title: t("title") };
}

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
  const [t, format] = await Promise.all([getTranslations("admin.audit"), getFormatter()]);
  const when = (date: Date) => format.dateTime(date, "dateTimeZone");
  const known = (key: string) => t.has(key as Parameters<typeof t>[0]);

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <form
        method="get"
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6"
      >
        {[
          { name: "actor", label: t("filters.actor"), hint: t("filters.actorHint") },
          { name: "action", label: t("filters.action"), hint: t("filters.actionHint"), list: "audit-actions" },
          { name: "target", label: t("filters.target"), hint: t("filters.targetHint") },
          { name: "from", label: t("filters.from"), type: "datetime-local" },
          { name: "to", label: t("filters.to"), type: "datetime-local" },
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
            {t("filters.submit")}
          </button>
          <Link href="/admin/audit" className={buttonClass("secondary")}>
            {t("filters.clear")}
          </Link>
        </div>
      </form>
      {!parsed.success && (
        <Alert tone="error">{t.rich("filters.invalid", { ident: (chunks) => <Ident>{chunks}</Ident> })}</Alert>
      )}
      <Table
        caption={t("table.caption")}
        head={[
          t("table.when"),
          t("table.actor"),
          t("table.action"),
          t("table.target"),
          t("table.from"),
          t("table.outcome"),
        ]}
      >
        {rows.length === 0 && <EmptyRow colSpan={6}>{t("table.none")}</EmptyRow>}
        {rows.map((e) => (
          <tr key={e.id}>
            <Td className="whitespace-nowrap">{when(e.at)}</Td>
            <Td>
              <div>
                {e.actorLabel || e.actorId ? <Ident className="break-all">{e.actorLabel ?? e.actorId}</Ident> : "—"}
              </div>
              <div className="text-xs text-slate-600">
                {known(`actorType.${e.actorType}`) ? (
                  t(`actorType.${e.actorType}` as Parameters<typeof t>[0])
                ) : (
                  <Ident>{e.actorType}</Ident>
                )}
              </div>
            </Td>
            <Td>
              <code dir="ltr">{e.action}</code>
              {e.count > 1 && (
                <div className="text-xs text-slate-600">
                  {e.lastAt
                    ? t("table.repeatedLast", { count: e.count, last: when(e.lastAt) })
                    : t("table.repeated", { count: e.count })}
                </div>
              )}
            </Td>
            <Td className="break-all">
              {e.targetType ? <Ident>{[e.targetType, e.targetId ?? ""].join(":")}</Ident> : "—"}
            </Td>
            <Td>{e.ip ? <Ident>{e.ip}</Ident> : "—"}</Td>
            <Td>
              <Badge tone={e.outcome === "success" ? "success" : e.outcome === "denied" ? "warning" : "danger"}>
                {known(`outcome.${e.outcome}`) ? t(`outcome.${e.outcome}` as Parameters<typeof t>[0]) : e.outcome}
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
            {t("older")}
          </Link>
        </p>
      )}
    </>
  );
}
