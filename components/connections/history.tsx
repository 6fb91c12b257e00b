// The connection's recent history: token fetches, tests, rotations, changes.
import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/badge";
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";
import { EmptyRow, Table, Td } from "@/components/ui/table";
import type { ConnectionDetail } from "@/lib/connections/queries";

const EVENTS = new Set([
  "token_fetched",
  "token_failed",
  "tested",
  "rotated",
  "rotation_failed",
  "rotation_confirmed",
  "created",
  "updated",
  "disabled",
  "enabled",
] as const);
type EventType = typeof EVENTS extends Set<infer T> ? T : never;
const isEvent = (type: string): type is EventType => EVENTS.has(type as EventType);

export function ConnectionHistory({ events }: { events: ConnectionDetail["events"] }) {
  const t = useTranslations("admin.connections.history");
  return (
    <section aria-labelledby="history" className="flex flex-col gap-3">
      <h2 id="history" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <Table caption={t("caption")} head={[t("when"), t("event"), t("outcome"), t("latency"), t("details")]}>
        {events.length === 0 && <EmptyRow colSpan={5}>{t("empty")}</EmptyRow>}
        {events.map((e) => (
          <tr key={e.id}>
            <Td className="whitespace-nowrap">
              <When date={e.at} />
            </Td>
            <Td>{isEvent(e.type) ? t(`events.${e.type}`) : <Ident>{e.type}</Ident>}</Td>
            <Td>
              {e.ok ? <Badge tone="success">{t("ok")}</Badge> : <Badge tone="danger">{t("failed")}</Badge>}
              {e.httpStatus !== null && (
                <span className="ms-2 text-xs text-slate-700">
                  <Ident className="">{t("http", { status: e.httpStatus })}</Ident>
                </span>
              )}
            </Td>
            <Td className="whitespace-nowrap">{e.latencyMs !== null ? t("ms", { ms: e.latencyMs }) : "—"}</Td>
            <Td>
              {e.message && (
                <bdi lang="en" dir="ltr" className="break-words">
                  {e.message}
                </bdi>
              )}
              {e.actor && (
                <span className="block text-xs text-slate-600">
                  {t.rich("by", { actor: e.actor, ident: (c) => <Ident className="">{c}</Ident> })}
                </span>
              )}
            </Td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
