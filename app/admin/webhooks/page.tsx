import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { EVENT_TYPES } from "@/lib/webhooks/catalogue";
import { listEndpoints } from "@/lib/webhooks/queries";
import { CreateEndpointForm } from "@/components/webhooks/forms";
import { EndpointStatus } from "@/components/webhooks/status";
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.webhooks");
  return { title: t("title") };
}

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePagePermission("manageWebhooks");
  const [endpoints, query, t] = await Promise.all([listEndpoints(), searchParams, getTranslations("admin.webhooks")]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="flex flex-col gap-6">
        {query.deleted === "1" && <Alert tone="success">{t("deletedNotice")}</Alert>}
        <Table
          caption={t("table.caption")}
          head={[
            t("table.endpoint"),
            t("table.events"),
            t("table.status"),
            t("table.lastDelivered"),
            t("table.queued"),
            t("table.failed"),
          ]}
        >
          {endpoints.length === 0 && <EmptyRow colSpan={6}>{t("table.empty")}</EmptyRow>}
          {endpoints.map((e) => (
            <tr key={e.id}>
              <Td>
                <Link
                  href={`/admin/webhooks/${e.id}`}
                  className="break-all font-medium text-brand-800 underline underline-offset-2"
                >
                  <Ident className="">{e.url}</Ident>
                </Link>
                {e.description && <span className="block text-xs text-slate-700">{e.description}</span>}
              </Td>
              <Td>
                {e.eventTypes.length === EVENT_TYPES.length ? (
                  t("allEvents")
                ) : (
                  <Ident className="">{e.eventTypes.join(", ")}</Ident>
                )}
              </Td>
              <Td>
                <EndpointStatus
                  disabledAt={e.disabledAt}
                  disabledReason={e.disabledReason}
                  failingSince={e.failingSince}
                />
              </Td>
              <Td className="whitespace-nowrap">
                <When date={e.lastSuccessAt} />
              </Td>
              <Td>{t("number", { value: e.pending })}</Td>
              <Td>{t("number", { value: e.failedLast24h })}</Td>
            </tr>
          ))}
        </Table>
        <CreateEndpointForm />
      </div>
    </>
  );
}
