import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
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
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.webhooks");
  return { title: t("endpoint") };
}

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
  { value: undefined, label: "all" },
  { value: "PENDING", label: "pending" },
  { value: "SUCCEEDED", label: "succeeded" },
  { value: "FAILED", label: "failed" },
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
  const [endpoint, t] = await Promise.all([getEndpoint(id), getTranslations("admin.webhooks")]);
  if (!endpoint) notFound();
  const filter = deliveryFilter.parse({ status: query.status, before: query.before });
  const { rows, next } = await listDeliveries(endpoint.id, filter);
  const base = `/admin/webhooks/${endpoint.id}`;
  return (
    <>
      <RefreshWhilePending pending={rows.some((r) => r.status === "PENDING")} />
      <p className="mb-2 text-sm">
        <Link href="/admin/webhooks" className="text-brand-800 underline underline-offset-2">
          {t("back")}
        </Link>
      </p>
      <PageHeader
        title={endpoint.description ?? t("endpoint")}
        description={<Ident className="break-all">{endpoint.url}</Ident>}
      />
      <div className="flex flex-col gap-6">
        <div className="flex flex-wrap items-center gap-3 text-sm text-slate-800">
          <EndpointStatus
            disabledAt={endpoint.disabledAt}
            disabledReason={endpoint.disabledReason}
            failingSince={endpoint.failingSince}
          />
          <span>{t.rich("lastDelivered", { when: () => <When date={endpoint.lastSuccessAt} /> })}</span>
          <span>{t("counts", { pending: endpoint.pending, failed: endpoint.failedLast24h })}</span>
        </div>

        <section aria-labelledby="deliveries" className="flex flex-col gap-3">
          <h2 id="deliveries" className="text-lg font-semibold">
            {t("deliveries.title")}
          </h2>
          <nav aria-label={t("deliveries.filter")} className="flex flex-wrap gap-2 text-sm">
            {STATUS_FILTERS.map((f) => {
              const current = filter.status === f.value;
              return (
                <Link
                  key={f.label}
                  href={f.value ? `${base}?status=${f.value}` : base}
                  aria-current={current ? "page" : undefined}
                  className={`inline-flex min-h-10 items-center rounded-md px-3 py-2 ring-1 ring-slate-300 ${current ? "bg-slate-900 text-white" : "bg-white text-slate-900 hover:bg-slate-100"}`}
                >
                  {t(`deliveries.filters.${f.label}`)}
                </Link>
              );
            })}
          </nav>
          <Table
            caption={t("deliveries.caption")}
            head={[
              t("deliveries.event"),
              t("deliveries.created"),
              t("deliveries.status"),
              t("deliveries.attempts"),
              t("deliveries.lastAnswer"),
              t("deliveries.latency"),
              t("deliveries.nextAttempt"),
            ]}
          >
            {rows.length === 0 && <EmptyRow colSpan={7}>{t("deliveries.empty")}</EmptyRow>}
            {rows.map((d) => (
              <tr key={d.id}>
                <Td>
                  <Link
                    href={`${base}/deliveries/${d.id}`}
                    className="font-medium text-brand-800 underline underline-offset-2"
                  >
                    <Ident className="">{d.eventType}</Ident>
                  </Link>
                  <span className="block text-xs text-slate-700">
                    {d.reason === "event"
                      ? t("deliveries.sequence", { sequence: d.sequence })
                      : t("deliveries.sequenceReason", {
                          sequence: d.sequence,
                          reason: t(`reasons.${d.reason === "test" ? "test" : "redelivery"}`),
                        })}
                  </span>
                </Td>
                <Td className="whitespace-nowrap">
                  <When date={d.createdAt} />
                </Td>
                <Td>
                  <DeliveryStatusBadge status={d.status} attempts={d.attempts} />
                </Td>
                <Td>{t("number", { value: d.attempts })}</Td>
                <Td>
                  {d.lastHttpStatus !== null ? (
                    <Ident className="">{t("http", { status: d.lastHttpStatus })}</Ident>
                  ) : d.lastError ? (
                    t("noAnswer")
                  ) : (
                    "—"
                  )}
                  {d.lastError && (
                    <bdi lang="en" dir="ltr" className="block max-w-xs break-words text-xs text-slate-700">
                      {d.lastError}
                    </bdi>
                  )}
                </Td>
                <Td className="whitespace-nowrap">
                  {d.lastLatencyMs !== null ? t("ms", { ms: d.lastLatencyMs }) : "—"}
                </Td>
                <Td className="whitespace-nowrap">
                  <When date={d.nextAttemptAt} />
                </Td>
              </tr>
            ))}
          </Table>
          {next && (
            <p>
              <Link
                href={`${base}?${new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), before: next }).toString()}`}
                className="text-sm text-brand-800 underline underline-offset-2"
              >
                {t("deliveries.older")}
              </Link>
            </p>
          )}
          <p className="text-xs text-slate-700">{t("deliveries.retries", { count: RETRY_SCHEDULE_MS.length - 1 })}</p>
        </section>

        <div className="grid gap-6 lg:grid-cols-2">
          <Panel id="test" title={t("test.title")}>
            <p className="mb-3 text-sm text-slate-700">
              {t.rich("test.intro", { type: "webhook.test", ident: (c) => <Ident>{c}</Ident> })}
            </p>
            <TestEventForm endpointId={endpoint.id} />
          </Panel>
          <Panel id="redeliver" title={t("redeliver.title")}>
            <RedeliverSinceForm endpointId={endpoint.id} defaultSince={hoursAgoForInput(1)} />
          </Panel>
          <Panel id="secret" title={t("secret.title")}>
            <p className="mb-3 text-sm text-slate-800">
              {t("secret.kept")}
              {endpoint.secretRotatedAt && (
                <> {t.rich("secret.lastRotated", { when: () => <When date={endpoint.secretRotatedAt} /> })}</>
              )}
              {endpoint.previousSecretUntil && endpoint.previousSecretActive && (
                <> {t.rich("secret.previousUntil", { when: () => <When date={endpoint.previousSecretUntil} /> })}</>
              )}
            </p>
            <RotateSecretForm endpointId={endpoint.id} />
          </Panel>
          <Panel
            id="availability"
            title={endpoint.disabledAt ? t("availability.disabledTitle") : t("availability.title")}
          >
            <p className="mb-3 text-sm text-slate-700">
              {endpoint.disabledAt
                ? t.rich("availability.disabledIntro", { when: () => <When date={endpoint.disabledAt} /> })
                : t("availability.intro")}
            </p>
            <EnableEndpointForm endpointId={endpoint.id} disabled={endpoint.disabledAt !== null} />
          </Panel>
        </div>
        <Panel id="settings" title={t("settings")}>
          <EditEndpointForm endpoint={endpoint} />
        </Panel>
        <Panel id="delete" title={t("delete.title")}>
          <DeleteEndpointForm endpointId={endpoint.id} />
        </Panel>
        <p className="text-xs text-slate-600">
          {t.rich("footer", {
            by: endpoint.createdBy,
            when: () => <When date={endpoint.createdAt} />,
            ident: (c) => <Ident className="">{c}</Ident>,
          })}
        </p>
      </div>
    </>
  );
}
