import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { listApiKeys } from "@/lib/api-keys";
import { listConnections } from "@/lib/connections/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { CreateApiKeyForm, RevokeApiKeyForm } from "@/components/admin/api-key-forms";
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";
import { environmentKey } from "@/components/connections/labels";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.apiKeys");
  return { title: t("title") };
}

export default async function ApiKeysPage() {
  await requirePagePermission("manageApiKeys");
  const now = new Date();
  const [keys, connections, t, tConnections] = await Promise.all([
    listApiKeys(now),
    listConnections(),
    getTranslations("admin.apiKeys"),
    getTranslations("admin.connections"),
  ]);
  return (
    <>
      <PageHeader title={t("title")} description={t.rich("description", { ident: (c) => <Ident>{c}</Ident> })} />
      <div className="mb-6">
        <CreateApiKeyForm
          connections={connections.map((c) => ({
            id: c.id,
            label: t("connectionChoice", {
              name: c.name,
              provider: tConnections(`providers.${c.provider}`),
              environment: tConnections(`environments.${environmentKey(c.provider, c.environment)}`),
            }),
          }))}
          today={now.toISOString().slice(0, 10)}
        />
      </div>
      <Table
        caption={t("table.caption")}
        head={[
          t("table.key"),
          t("table.scopes"),
          t("table.connections"),
          t("table.expires"),
          t("table.lastUsed"),
          t("table.calls"),
          t("table.created"),
          t("table.status"),
        ]}
      >
        {keys.length === 0 && <EmptyRow colSpan={8}>{t("table.empty")}</EmptyRow>}
        {keys.map((k) => (
          <tr key={k.id}>
            <Td>
              <div className="font-medium">{k.name}</div>
              <code dir="ltr" className="text-xs text-slate-700">
                {k.prefix}…
              </code>
            </Td>
            <Td>
              <div className="flex flex-wrap gap-1">
                {k.scopes.map((s) => (
                  <Badge key={s} tone="info">
                    <Ident className="">{s}</Ident>
                  </Badge>
                ))}
              </div>
            </Td>
            <Td>
              {k.connections.length === 0 ? (
                <span className="text-slate-700">{t("allConnections")}</span>
              ) : (
                <ul className="flex flex-col gap-0.5">
                  {k.connections.map((c) => (
                    <li key={c.id}>
                      {c.name ?? (
                        <span className="text-slate-700">
                          {t.rich("deletedConnection", {
                            id: c.id.slice(0, 8),
                            ident: (chunks) => <Ident>{chunks}</Ident>,
                          })}
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {!k.expiresAt ? (
                <span className="text-slate-700">{t("never")}</span>
              ) : k.expiresAt <= now ? (
                <Badge tone="danger">{t.rich("expired", { when: () => <When date={k.expiresAt} /> })}</Badge>
              ) : (
                <When date={k.expiresAt} />
              )}
            </Td>
            <Td className="whitespace-nowrap">
              <When date={k.lastUsedAt} />
            </Td>
            <Td>{t("calls", { count: k.usesLast24h })}</Td>
            <Td className="whitespace-nowrap">
              <When date={k.createdAt} />
            </Td>
            <Td>
              {k.revokedAt ? (
                <Badge tone="danger">{t.rich("revokedAt", { when: () => <When date={k.revokedAt} /> })}</Badge>
              ) : (
                <RevokeApiKeyForm apiKeyId={k.id} prefix={k.prefix} />
              )}
            </Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
