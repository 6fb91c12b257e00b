import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { getDelivery } from "@/lib/webhooks/queries";
import { RedeliverForm } from "@/components/webhooks/forms";
import { RefreshWhilePending } from "@/components/webhooks/refresh-while-pending";
import { DeliveryStatusBadge } from "@/components/webhooks/status";
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.webhooks.delivery");
  return { title: t("title") };
}

export default async function WebhookDeliveryPage({ params }: { params: Promise<{ id: string; deliveryId: string }> }) {
  await requirePagePermission("manageWebhooks");
  const { id, deliveryId } = await params;
  const [delivery, t] = await Promise.all([getDelivery(id, deliveryId), getTranslations("admin.webhooks")]);
  if (!delivery) notFound();
  return (
    <>
      <RefreshWhilePending pending={delivery.status === "PENDING"} />
      <p className="mb-2 text-sm">
        <Link
          href={`/admin/webhooks/${delivery.endpointId}`}
          className="break-all text-brand-800 underline underline-offset-2"
        >
          {t.rich("delivery.back", { url: delivery.endpointUrl, ident: (c) => <Ident className="">{c}</Ident> })}
        </Link>
      </p>
      <PageHeader
        title={delivery.eventType}
        description={t.rich("delivery.description", {
          sequence: delivery.sequence,
          when: () => <When date={delivery.occurredAt} />,
        })}
      />
      <div className="flex flex-col gap-6">
        <dl className="grid gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="font-medium text-slate-900">{t("deliveries.status")}</dt>
          <dd>
            <DeliveryStatusBadge status={delivery.status} attempts={delivery.attempts} />
          </dd>
          <dt className="font-medium text-slate-900">{t("delivery.webhookId")}</dt>
          <dd>
            <code dir="ltr" className="break-all">
              {delivery.webhookId}
            </code>
          </dd>
          <dt className="font-medium text-slate-900">{t("deliveries.attempts")}</dt>
          <dd>{t("number", { value: delivery.attempts })}</dd>
          <dt className="font-medium text-slate-900">{t("delivery.delivered")}</dt>
          <dd>
            <When date={delivery.deliveredAt} />
          </dd>
          <dt className="font-medium text-slate-900">{t("deliveries.nextAttempt")}</dt>
          <dd>
            <When date={delivery.nextAttemptAt} />
          </dd>
          <dt className="font-medium text-slate-900">{t("delivery.why")}</dt>
          <dd>
            {t(`reasons.${delivery.reason === "event" ? "event" : delivery.reason === "test" ? "test" : "redelivery"}`)}
            {delivery.requestedBy && (
              <>
                {" "}
                {t.rich("delivery.askedBy", {
                  by: delivery.requestedBy,
                  ident: (c) => <Ident className="">{c}</Ident>,
                })}
              </>
            )}
          </dd>
        </dl>
        <RedeliverForm
          endpointId={delivery.endpointId}
          deliveryId={delivery.id}
          label={t("delivery.label", { type: delivery.eventType, sequence: delivery.sequence })}
        />
        <section aria-labelledby="payload" className="flex flex-col gap-2">
          <h2 id="payload" className="text-lg font-semibold">
            {t("delivery.payload")}
          </h2>
          <pre
            tabIndex={0}
            dir="ltr"
            aria-label={t("delivery.payloadLabel")}
            className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-3 text-xs text-slate-900"
          >
            {delivery.payload}
          </pre>
        </section>
        <Table
          caption={t("delivery.attemptsCaption")}
          head={[t("delivery.when"), t("delivery.outcome"), t("delivery.answer"), t("deliveries.latency")]}
        >
          {delivery.attemptLog.length === 0 && <EmptyRow colSpan={4}>{t("delivery.notAttempted")}</EmptyRow>}
          {delivery.attemptLog.map((a) => (
            <tr key={a.id}>
              <Td className="whitespace-nowrap">
                <When date={a.at} />
              </Td>
              <Td>
                {a.ok ? (
                  <Badge tone="success">{t("delivery.ok")}</Badge>
                ) : (
                  <Badge tone="danger">{t("status.failed")}</Badge>
                )}
              </Td>
              <Td>
                {a.httpStatus !== null ? (
                  <Ident className="">{t("http", { status: a.httpStatus })}</Ident>
                ) : (
                  t("noAnswer")
                )}
                {a.error && (
                  <bdi lang="en" dir="ltr" className="block max-w-md break-words text-xs text-slate-700">
                    {a.error}
                  </bdi>
                )}
              </Td>
              <Td className="whitespace-nowrap">{t("ms", { ms: a.latencyMs })}</Td>
            </tr>
          ))}
        </Table>
      </div>
    </>
  );
}
