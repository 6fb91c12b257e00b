import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/auth/guard";
import { getDelivery } from "@/lib/webhooks/queries";
import { RedeliverForm } from "@/components/webhooks/forms";
import { RefreshWhilePending } from "@/components/webhooks/refresh-while-pending";
import { DeliveryStatusBadge } from "@/components/webhooks/status";
import { formatUtc } from "@/components/admin/format";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export const metadata: Metadata = { title: "Webhook delivery" };

export default async function WebhookDeliveryPage({ params }: { params: Promise<{ id: string; deliveryId: string }> }) {
  await requirePagePermission("manageWebhooks");
  const { id, deliveryId } = await params;
  const delivery = await getDelivery(id, deliveryId);
  if (!delivery) notFound();
  return (
    <>
      <RefreshWhilePending pending={delivery.status === "PENDING"} />
      <p className="mb-2 text-sm">
        <Link
          href={`/admin/webhooks/${delivery.endpointId}`}
          className="break-all text-brand-800 underline underline-offset-2"
        >
          ← {delivery.endpointUrl}
        </Link>
      </p>
      <PageHeader
        title={delivery.eventType}
        description={`Sequence #${delivery.sequence} · happened ${formatUtc(delivery.occurredAt)}`}
      />
      <div className="flex flex-col gap-6">
        <dl className="grid gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="font-medium text-slate-900">Status</dt>
          <dd>
            <DeliveryStatusBadge status={delivery.status} attempts={delivery.attempts} />
          </dd>
          <dt className="font-medium text-slate-900">webhook-id</dt>
          <dd>
            <code className="break-all">{delivery.webhookId}</code>
          </dd>
          <dt className="font-medium text-slate-900">Attempts</dt>
          <dd>{delivery.attempts}</dd>
          <dt className="font-medium text-slate-900">Delivered</dt>
          <dd>{formatUtc(delivery.deliveredAt)}</dd>
          <dt className="font-medium text-slate-900">Next attempt</dt>
          <dd>{formatUtc(delivery.nextAttemptAt)}</dd>
          <dt className="font-medium text-slate-900">Why it was sent</dt>
          <dd>
            {delivery.reason === "event"
              ? "The event happened"
              : delivery.reason === "test"
                ? "Test event"
                : "Redelivery"}
            {delivery.requestedBy ? ` (asked by ${delivery.requestedBy})` : ""}
          </dd>
        </dl>
        <RedeliverForm
          endpointId={delivery.endpointId}
          deliveryId={delivery.id}
          label={`${delivery.eventType} #${delivery.sequence}`}
        />
        <section aria-labelledby="payload" className="flex flex-col gap-2">
          <h2 id="payload" className="text-lg font-semibold">
            Payload
          </h2>
          <pre
            tabIndex={0}
            aria-label="Payload (JSON)"
            className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-3 text-xs text-slate-900"
          >
            {delivery.payload}
          </pre>
        </section>
        <Table caption="Attempts of this delivery" head={["When", "Outcome", "Answer", "Latency"]}>
          {delivery.attemptLog.length === 0 && <EmptyRow colSpan={4}>Not attempted yet.</EmptyRow>}
          {delivery.attemptLog.map((a) => (
            <tr key={a.id}>
              <Td className="whitespace-nowrap">{formatUtc(a.at)}</Td>
              <Td>{a.ok ? <Badge tone="success">OK</Badge> : <Badge tone="danger">Failed</Badge>}</Td>
              <Td>
                {a.httpStatus !== null ? `HTTP ${a.httpStatus}` : "No answer"}
                {a.error && <span className="block max-w-md break-words text-xs text-slate-700">{a.error}</span>}
              </Td>
              <Td className="whitespace-nowrap">{a.latencyMs} ms</Td>
            </tr>
          ))}
        </Table>
      </div>
    </>
  );
}
