// The connection's recent history: token fetches, tests, rotations, changes.
import { Badge } from "@/components/ui/badge";
import { EmptyRow, Table, Td } from "@/components/ui/table";
import { formatUtc } from "@/components/admin/format";
import type { ConnectionDetail } from "@/lib/connections/queries";

const LABELS: Record<string, string> = {
  token_fetched: "Token fetched",
  token_failed: "Token request failed",
  tested: "Tested",
  rotated: "Secret rotated",
  rotation_failed: "Rotation refused",
  rotation_confirmed: "Rotation confirmed",
  created: "Created",
  updated: "Edited",
  disabled: "Disabled",
  enabled: "Enabled",
};

export function ConnectionHistory({ events }: { events: ConnectionDetail["events"] }) {
  return (
    <section aria-labelledby="history" className="flex flex-col gap-3">
      <h2 id="history" className="text-lg font-semibold">
        History
      </h2>
      <Table caption="Recent events of this connection" head={["When", "Event", "Outcome", "Latency", "Details"]}>
        {events.length === 0 && <EmptyRow colSpan={5}>Nothing yet.</EmptyRow>}
        {events.map((e) => (
          <tr key={e.id}>
            <Td className="whitespace-nowrap">{formatUtc(e.at)}</Td>
            <Td>{LABELS[e.type] ?? e.type}</Td>
            <Td>
              {e.ok ? <Badge tone="success">OK</Badge> : <Badge tone="danger">Failed</Badge>}
              {e.httpStatus !== null && <span className="ms-2 text-xs text-slate-700">HTTP {e.httpStatus}</span>}
            </Td>
            <Td className="whitespace-nowrap">{e.latencyMs !== null ? `${e.latencyMs} ms` : "—"}</Td>
            <Td>
              <span className="break-words">{e.message ?? ""}</span>
              {e.actor && <span className="block text-xs text-slate-600">by {e.actor}</span>}
            </Td>
          </tr>
        ))}
      </Table>
    </section>
  );
}
