import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/connections/queries";
import { environmentKey } from "@/components/connections/labels";
import { HealthBadge } from "@/components/connections/health";
import { When } from "@/components/admin/when";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button-class";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.connections");
  return { title: t("title") };
}

export default async function ConnectionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const staff = await requirePagePermission("read");
  const canManage = allows(staff.role, "manageConnections");
  const [connections, params, t] = await Promise.all([
    listConnections(),
    searchParams,
    getTranslations("admin.connections"),
  ]);
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          canManage ? (
            <Link href="/admin/connections/new" className={buttonClass("primary")}>
              {t("newConnection")}
            </Link>
          ) : undefined
        }
      />
      {params.deleted === "1" && (
        <div className="mb-4">
          <Alert tone="success">{t("deleted")}</Alert>
        </div>
      )}
      <Table
        caption={t("table.caption")}
        head={[
          t("table.connection"),
          t("table.provider"),
          t("table.health"),
          t("table.lastSuccess"),
          t("table.tokenExpires"),
        ]}
      >
        {connections.length === 0 && <EmptyRow colSpan={5}>{t("table.empty")}</EmptyRow>}
        {connections.map((c) => (
          <tr key={c.id}>
            <Td>
              <Link
                href={`/admin/connections/${c.id}`}
                className="font-medium text-brand-800 underline underline-offset-2"
              >
                {c.name}
              </Link>
            </Td>
            <Td>
              {t(`providers.${c.provider}`)} · {t(`environments.${environmentKey(c.provider, c.environment)}`)}
            </Td>
            <Td>
              <HealthBadge health={c.health} />
              {c.health.consecutiveFailures > 0 && (
                <span className="ms-2 text-xs text-slate-700">
                  {t("failures", { count: c.health.consecutiveFailures })}
                </span>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              <When date={c.health.lastSuccessAt} />
            </Td>
            <Td className="whitespace-nowrap">
              <When date={c.health.tokenExpiresAt} />
            </Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
