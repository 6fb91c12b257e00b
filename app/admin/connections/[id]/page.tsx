import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { getConnectionDetail } from "@/lib/connections/queries";
import { environmentKey } from "@/components/connections/labels";
import { Ident } from "@/components/i18n/ident";
import {
  ConfirmRotationForm,
  DeleteConnectionForm,
  DisableConnectionForm,
  EditConnectionForm,
  RotateSecretForm,
  TestConnectionForm,
} from "@/components/connections/forms";
import { HealthPanel } from "@/components/connections/health";
import { ConnectionHistory } from "@/components/connections/history";
import { When } from "@/components/admin/when";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const [t, { id }] = await Promise.all([getTranslations("admin.connections"), params]);
  const connection = await getConnectionDetail(id).catch(() => null);
  return { title: connection ? t("pageTitle", { name: connection.name }) : t("connection") };
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

export default async function ConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const staff = await requirePagePermission("read");
  const canManage = allows(staff.role, "manageConnections");
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const [connection, t] = await Promise.all([getConnectionDetail(id), getTranslations("admin.connections")]);
  if (!connection) notFound();
  const provider = t(`providers.${connection.provider}`);
  const environment = t(`environments.${environmentKey(connection.provider, connection.environment)}`);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/connections" className="text-brand-800 underline underline-offset-2">
          {t("back")}
        </Link>
      </p>
      <PageHeader
        title={connection.name}
        description={
          connection.disabled ? t("kindDisabled", { provider, environment }) : t("kind", { provider, environment })
        }
      />
      <div className="flex flex-col gap-6">
        {query.created === "1" && <Alert tone="success">{t("createdNotice")}</Alert>}
        <HealthPanel health={connection.health} />
        {canManage && (
          <>
            <div className="grid gap-6 lg:grid-cols-2">
              <Panel id="test" title={t("test.title")}>
                <p className="mb-3 text-sm text-slate-700">
                  {connection.provider === "NOYO"
                    ? t.rich("test.introNoyo", { ident: (c) => <Ident>{c}</Ident> })
                    : t("test.intro")}
                </p>
                <TestConnectionForm connectionId={connection.id} />
              </Panel>
              <Panel id="secret" title={t("secret.title")}>
                <p className="mb-3 text-sm text-slate-800">
                  {connection.secretSetAt
                    ? connection.secretSetBy
                      ? t.rich("secret.setBy", {
                          by: connection.secretSetBy,
                          when: () => <When date={connection.secretSetAt} />,
                          ident: (c) => <Ident className="">{c}</Ident>,
                        })
                      : t.rich("secret.set", { when: () => <When date={connection.secretSetAt} /> })
                    : t("secret.notSet")}
                </p>
                <RotateSecretForm connectionId={connection.id} />
                {connection.rotationAwaitingConfirmation && (
                  <div className="mt-4 border-t border-slate-200 pt-4">
                    <ConfirmRotationForm connectionId={connection.id} />
                  </div>
                )}
              </Panel>
            </div>
            <EditConnectionForm
              connection={{
                id: connection.id,
                provider: connection.provider,
                name: connection.name,
                clientId: connection.clientId,
                scope: connection.scope,
                tokenUrl: connection.tokenUrl,
                apiBaseUrl: connection.apiBaseUrl,
                credentialsIn: connection.credentialsIn,
                bodyEncoding: connection.bodyEncoding,
              }}
            />
            <div className="grid gap-6 lg:grid-cols-2">
              <Panel
                id="availability"
                title={connection.disabled ? t("availability.disabledTitle") : t("availability.title")}
              >
                <p className="mb-3 text-sm text-slate-700">
                  {connection.disabled ? t("availability.disabledIntro") : t("availability.intro")}
                </p>
                <DisableConnectionForm connectionId={connection.id} disabled={connection.disabled} />
              </Panel>
              <Panel id="delete" title={t("delete.title")}>
                <DeleteConnectionForm connectionId={connection.id} name={connection.name} />
              </Panel>
            </div>
          </>
        )}
        <ConnectionHistory events={connection.events} />
        <p className="text-xs text-slate-600">
          {t.rich("footer", {
            id: connection.id,
            route: "GET /api/v1/connections/{id}/token",
            when: () => <When date={connection.createdAt} />,
            ident: (c) => <Ident>{c}</Ident>,
          })}
        </p>
      </div>
    </>
  );
}
