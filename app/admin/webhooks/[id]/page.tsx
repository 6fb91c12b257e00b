import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/auth/guard";
import { deliveryFilter, getEndpoint, hoursAgoForInput, listDeliveries } from "@/lib/webhooks/queries";
import { RETRY_SCHEDULE_MS } from "@/lib/webhooks/schedule";
import {
  DeleteEndpointForm,
  EditEndpointForm,
  EnableEndpointForm,
  RedeliverSinceForm,
  RotateSecretForm,
  TestEventForm,
} from "@/components/webhooks/forms";
import { RefreshWhilePending } from "@/components/webhooks/refresh-while-pending";
import { DeliveryStatusBadge, EndpointStatus } from "@/components/webhooks/status";
import { formatUtc } from "@/components/admin/format";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export const metadata: Metadata = { title: "Webhook endpoint" };

function Panel({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

const STATUS_FILTERS = [
  { value: undefined, label: "All" },
  { value: "PENDING", label: "Queued or retrying" },
  { value: "SUCCEEDED", label: "Delivered" },
  { value: "FAILED", label: "Failed" },
] as const;

export default async function WebhookEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePagePermission("manageWebhooks");
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const endpoint = await getEndpoint(id);
  if (!endpoint) notFound();
  const filter = deliveryFilter.parse({ status: query.status, before: query.before });
  const { rows, next } = await listDeliveries(endpoint.id, filter);
  const base = `/admin/webhooks/${endpoint.id}`;
  return (
    <>
      <RefreshWhilePending pending={rows.some((r) => r.status === "PENDING")} />
      <p className="mb-2 text-sm">
        <Link href="/admin/webhooks" className="text-brand-800 underline underline-offset-2">
          ← Webhooks
        </Link>
      </p>
      <PageHeader title={endpoint.description ?? "Webhook endpoint"} description={endpoint.url} />
      <div className="flex flex-col gap-6">
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-800">
          <EndpointStatus
            disabledAt={endpoint.disabledAt}
            disabledReason={endpoint.disabledReason}
            failingSince={endpoint.failingSince}
          />
          <span>Last delivered {formatUtc(endpoint.lastSuccessAt)}</span>
          <span>
            {endpoint.pending} queued · {endpoint.failedLast24h} failed in 24 h
          </span>
        </div>

        <section aria-labelledby="deliveries" className="flex flex-col gap-3">
          <h2 id="deliveries" className="text-lg font-semibold">
            Deliveries
          </h2>
          <nav aria-label="Filter deliveries" className="flex flex-wrap gap-2 text-sm">
            {STATUS_FILTERS.map((f) => {
              const current = filter.status === f.value;
              return (
                <Link
                  key={f.label}
                  href={f.value ? `${base}?status=${f.value}` : base}
                  aria-current={current ? "page" : undefined}
                  className={`inline-flex min-h-10 items-center rounded-md px-3 py-2 ring-1 ring-slate-300 ${current ? "bg-slate-900 text-white" : "bg-white text-slate-900 hover:bg-slate-100"}`}
                >
                  {f.label}
                </Link>
              );
            })}
          </nav>
          <Table
            caption="Deliveries to this endpoint, newest first"
            head={["Event", "Created", "Status", "Attempts", "Last answer", "Latency", "Next attempt"]}
          >
            {rows.length === 0 && (
              <EmptyRow colSpan={7}>No deliveries yet. Send a test event to try the receiver.</EmptyRow>
            )}
            {rows.map((d) => (
              <tr key={d.id}>
                <Td>
                  <Link
                    href={`${base}/deliveries/${d.id}`}
                    className="font-medium text-brand-800 underline underline-offset-2"
                  >
                    {d.eventType}
                  </Link>
                  <span className="block text-xs text-slate-700">
                    #{d.sequence}
                    {d.reason !== "event" ? ` · ${d.reason}` : ""}
                  </span>
                </Td>
                <Td className="whitespace-nowrap">{formatUtc(d.createdAt)}</Td>
                <Td>
                  <DeliveryStatusBadge status={d.status} attempts={d.attempts} />
                </Td>
                <Td>{d.attempts}</Td>
                <Td>
                  {d.lastHttpStatus !== null ? `HTTP ${d.lastHttpStatus}` : d.lastError ? "No answer" : "—"}
                  {d.lastError && (
                    <span className="block max-w-xs break-words text-xs text-slate-700">{d.lastError}</span>
                  )}
                </Td>
                <Td className="whitespace-nowrap">{d.lastLatencyMs !== null ? `${d.lastLatencyMs} ms` : "—"}</Td>
                <Td className="whitespace-nowrap">{formatUtc(d.nextAttemptAt)}</Td>
              </tr>
            ))}
          </Table>
          {next && (
            <p>
              <Link
                href={`${base}?${new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), before: next }).toString()}`}
                className="text-sm text-brand-800 underline underline-offset-2"
              >
                Older deliveries →
              </Link>
            </p>
          )}
          <p className="text-xs text-slate-700">
            Failed attempts are retried {RETRY_SCHEDULE_MS.length - 1} times: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h
            and 10 h (±10 %), never sooner than a 429/503 Retry-After. 410 Gone disables the endpoint.
          </p>
        </section>

        <div className="grid gap-6 lg:grid-cols-2">
          <Panel id="test" title="Test">
            <p className="mb-3 text-sm text-slate-700">
              Sends a signed <code>webhook.test</code> event to this endpoint only (also while it is disabled).
            </p>
            <TestEventForm endpointId={endpoint.id} />
          </Panel>
          <Panel id="redeliver" title="Redeliver">
            <RedeliverSinceForm endpointId={endpoint.id} defaultSince={hoursAgoForInput(1)} />
          </Panel>
          <Panel id="secret" title="Signing secret">
            <p className="mb-3 text-sm text-slate-800">
              Kept in the secret store; never shown again after it was created.
              {endpoint.secretRotatedAt ? ` Last rotated ${formatUtc(endpoint.secretRotatedAt)}.` : ""}
              {endpoint.previousSecretUntil && endpoint.previousSecretActive
                ? ` The previous secret also signs until ${formatUtc(endpoint.previousSecretUntil)}.`
                : ""}
            </p>
            <RotateSecretForm endpointId={endpoint.id} />
          </Panel>
          <Panel id="availability" title={endpoint.disabledAt ? "Disabled" : "Availability"}>
            <p className="mb-3 text-sm text-slate-700">
              {endpoint.disabledAt
                ? `Disabled ${formatUtc(endpoint.disabledAt)}: no events are delivered. After enabling, redeliver what it missed.`
                : "Disabling stops deliveries; queued ones are not sent."}
            </p>
            <EnableEndpointForm endpointId={endpoint.id} disabled={endpoint.disabledAt !== null} />
          </Panel>
        </div>
        <Panel id="settings" title="Settings">
          <EditEndpointForm endpoint={endpoint} />
        </Panel>
        <Panel id="delete" title="Delete">
          <DeleteEndpointForm endpointId={endpoint.id} />
        </Panel>
        <p className="text-xs text-slate-600">
          Created {formatUtc(endpoint.createdAt)} by {endpoint.createdBy}.
        </p>
      </div>
    </>
  );
}
