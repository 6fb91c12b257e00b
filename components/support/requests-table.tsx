import Link from "next/link";
import type { AuthorizationListItem } from "@/lib/support/core";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { formatUtc } from "@/components/admin/format";
import { StatusBadge } from "@/components/support/status-badge";

const HEAD = ["Reference", "Status", "Seller", "Started", "Project code", "Failure"] as const;

export function RequestsTable({ items, filtered }: { items: AuthorizationListItem[]; filtered: boolean }) {
  return (
    <Table caption="Noon authorization requests" head={HEAD}>
      {items.length === 0 && (
        <EmptyRow colSpan={HEAD.length}>{filtered ? "No request matches these filters." : "No requests yet."}</EmptyRow>
      )}
      {items.map((item) => (
        <tr key={item.id} data-testid="request-row">
          <Td className="whitespace-nowrap font-mono">
            <Link href={`/admin/requests/${item.id}`} className="font-medium text-brand-700 underline">
              {item.reference}
            </Link>
          </Td>
          <Td>
            <StatusBadge status={item.status} />
          </Td>
          <Td>
            <Link href={`/admin/sellers/${item.seller.id}`} className="text-brand-700 underline">
              {item.seller.name}
            </Link>
            {item.seller.email && <div className="break-all text-xs text-slate-700">{item.seller.email}</div>}
          </Td>
          <Td className="whitespace-nowrap">{formatUtc(item.createdAt)}</Td>
          <Td className="whitespace-nowrap font-mono">{item.projectCode ?? "—"}</Td>
          <Td className="min-w-56">
            {item.failureStage || item.failureMessage ? (
              <>
                <span className="font-medium">{item.failureStage ?? "unknown stage"}</span>
                {item.failureHttpStatus !== null && <span> · HTTP {item.failureHttpStatus}</span>}
                {item.failureMessage && (
                  <div className="line-clamp-2 text-xs text-slate-700">{item.failureMessage}</div>
                )}
              </>
            ) : (
              "—"
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
