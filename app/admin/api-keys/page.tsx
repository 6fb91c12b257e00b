import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/auth/guard";
import { listApiKeys } from "@/lib/api-keys";
import { listConnections } from "@/lib/connections/queries";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, EmptyRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { CreateApiKeyForm, RevokeApiKeyForm } from "@/components/admin/api-key-forms";
import { formatUtc } from "@/components/admin/format";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  await requirePagePermission("manageApiKeys");
  const now = new Date();
  const [keys, connections] = await Promise.all([listApiKeys(now), listConnections()]);
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for internal services calling /api/v1. Each key is shown once when created; only its hash is stored."
      />
      <div className="mb-6">
        <CreateApiKeyForm
          connections={connections.map((c) => ({
            id: c.id,
            label: `${c.name} (${c.provider.toLowerCase()}, ${c.environment.toLowerCase()})`,
          }))}
          today={now.toISOString().slice(0, 10)}
        />
      </div>
      <Table
        caption="API keys"
        head={["Key", "Scopes", "Connections", "Expires", "Last used", "Calls (24 h)", "Created", "Status"]}
      >
        {keys.length === 0 && <EmptyRow colSpan={8}>No API keys yet.</EmptyRow>}
        {keys.map((k) => (
          <tr key={k.id}>
            <Td>
              <div className="font-medium">{k.name}</div>
              <code className="text-xs text-slate-700">{k.prefix}…</code>
            </Td>
            <Td>
              <div className="flex flex-wrap gap-1">
                {k.scopes.map((s) => (
                  <Badge key={s} tone="info">
                    {s}
                  </Badge>
                ))}
              </div>
            </Td>
            <Td>
              {k.connections.length === 0 ? (
                <span className="text-slate-700">All</span>
              ) : (
                <ul className="flex flex-col gap-0.5">
                  {k.connections.map((c) => (
                    <li key={c.id}>
                      {c.name ?? <span className="text-slate-700">deleted connection {c.id.slice(0, 8)}…</span>}
                    </li>
                  ))}
                </ul>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {!k.expiresAt ? (
                <span className="text-slate-700">Never</span>
              ) : k.expiresAt <= now ? (
                <Badge tone="danger">Expired {formatUtc(k.expiresAt)}</Badge>
              ) : (
                formatUtc(k.expiresAt)
              )}
            </Td>
            <Td className="whitespace-nowrap">{formatUtc(k.lastUsedAt)}</Td>
            <Td>{k.usesLast24h}</Td>
            <Td className="whitespace-nowrap">{formatUtc(k.createdAt)}</Td>
            <Td>
              {k.revokedAt ? (
                <Badge tone="danger">Revoked {formatUtc(k.revokedAt)}</Badge>
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
