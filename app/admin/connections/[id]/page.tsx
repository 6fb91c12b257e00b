import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { getConnectionDetail } from "@/lib/connections/queries";
import { ENVIRONMENT_LABELS, PROVIDER_LABELS } from "@/lib/connections/providers/hosts";
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
import { formatUtc } from "@/components/admin/format";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Connection" };

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
  const connection = await getConnectionDetail(id);
  if (!connection) notFound();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/connections" className="text-brand-800 underline underline-offset-2">
          ← Connections
        </Link>
      </p>
      <PageHeader
        title={connection.name}
        description={`${PROVIDER_LABELS[connection.provider]} · ${ENVIRONMENT_LABELS[connection.provider][connection.environment]}${connection.disabled ? " · disabled" : ""}`}
      />
      <div className="flex flex-col gap-6">
        {query.created === "1" && <Alert tone="success">Connection created. Test it to check the credentials.</Alert>}
        <HealthPanel health={connection.health} />
        {canManage && (
          <>
            <div className="grid gap-6 lg:grid-cols-2">
              <Panel id="test" title="Test">
                <p className="mb-3 text-sm text-slate-700">
                  Fetches a fresh token (bypassing the cache)
                  {connection.provider === "NOYO" ? " and calls GET /api/v1/groups" : ""}.
                </p>
                <TestConnectionForm connectionId={connection.id} />
              </Panel>
              <Panel id="secret" title="Client secret">
                <p className="mb-3 text-sm text-slate-800">
                  {connection.secretSetAt ? (
                    <>
                      Set {formatUtc(connection.secretSetAt)}
                      {connection.secretSetBy ? ` by ${connection.secretSetBy}` : ""}. The value is never shown.
                    </>
                  ) : (
                    "Not set."
                  )}
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
              <Panel id="availability" title={connection.disabled ? "Disabled" : "Availability"}>
                <p className="mb-3 text-sm text-slate-700">
                  {connection.disabled
                    ? "No tokens are handed out while it is disabled."
                    : "Disabling drops the current token and stops handing out new ones."}
                </p>
                <DisableConnectionForm connectionId={connection.id} disabled={connection.disabled} />
              </Panel>
              <Panel id="delete" title="Delete">
                <DeleteConnectionForm connectionId={connection.id} name={connection.name} />
              </Panel>
            </div>
          </>
        )}
        <ConnectionHistory events={connection.events} />
        <p className="text-xs text-slate-600">
          Created {formatUtc(connection.createdAt)}. Connection id <code>{connection.id}</code> (for{" "}
          <code>GET /api/v1/connections/{"{id}"}/token</code>).
        </p>
      </div>
    </>
  );
}
