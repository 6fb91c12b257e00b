import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/guard";
import { EVENT_TYPES } from "@/lib/webhooks/catalogue";
import { listEndpoints } from "@/lib/webhooks/queries";
import { CreateEndpointForm } from "@/components/webhooks/forms";
import { EndpointStatus } from "@/components/webhooks/status";
import { formatUtc } from "@/components/admin/format";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePagePermission("manageWebhooks");
  const [endpoints, query] = await Promise.all([listEndpoints(), searchParams]);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Your backend learns of every connection as it happens: signed deliveries (Standard Webhooks), retried for up to a day and a half, each event with a per-seller sequence number."
      />
      <div className="flex flex-col gap-6">
        {query.deleted === "1" && <Alert tone="success">Endpoint deleted.</Alert>}
        <Table
          caption="Webhook endpoints"
          head={["Endpoint", "Events", "Status", "Last delivered", "Queued", "Failed (24 h)"]}
        >
          {endpoints.length === 0 && <EmptyRow colSpan={6}>No endpoints yet: create one below.</EmptyRow>}
          {endpoints.map((e) => (
            <tr key={e.id}>
              <Td>
                <Link
                  href={`/admin/webhooks/${e.id}`}
                  className="break-all font-medium text-brand-800 underline underline-offset-2"
                >
                  {e.url}
                </Link>
                {e.description && <span className="block text-xs text-slate-700">{e.description}</span>}
              </Td>
              <Td>{e.eventTypes.length === EVENT_TYPES.length ? "All events" : e.eventTypes.join(", ")}</Td>
              <Td>
                <EndpointStatus
                  disabledAt={e.disabledAt}
                  disabledReason={e.disabledReason}
                  failingSince={e.failingSince}
                />
              </Td>
              <Td className="whitespace-nowrap">{formatUtc(e.lastSuccessAt)}</Td>
              <Td>{e.pending}</Td>
              <Td>{e.failedLast24h}</Td>
            </tr>
          ))}
        </Table>
        <CreateEndpointForm />
      </div>
    </>
  );
}
