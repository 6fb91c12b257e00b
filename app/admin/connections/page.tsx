import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/guard";
import { allows } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/connections/queries";
import { ENVIRONMENT_LABELS, PROVIDER_LABELS } from "@/lib/connections/providers/hosts";
import { HealthBadge } from "@/components/connections/health";
import { formatUtc } from "@/components/admin/format";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button-class";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyRow, Table, Td } from "@/components/ui/table";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const staff = await requirePagePermission("read");
  const canManage = allows(staff.role, "manageConnections");
  const [connections, params] = await Promise.all([listConnections(), searchParams]);
  return (
    <>
      <PageHeader
        title="Connections"
        description="Client-credentials connections to Noyo, Inyo, Nuvy and standard OAuth2 APIs, and how they are doing."
        actions={
          canManage ? (
            <Link href="/admin/connections/new" className={buttonClass("primary")}>
              New connection
            </Link>
          ) : undefined
        }
      />
      {params.deleted === "1" && (
        <div className="mb-4">
          <Alert tone="success">Connection deleted.</Alert>
        </div>
      )}
      <Table caption="Connections" head={["Connection", "Provider", "Health", "Last success", "Token expires"]}>
        {connections.length === 0 && <EmptyRow colSpan={5}>No connections yet.</EmptyRow>}
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
              {PROVIDER_LABELS[c.provider]} · {ENVIRONMENT_LABELS[c.provider][c.environment]}
            </Td>
            <Td>
              <HealthBadge health={c.health} />
              {c.health.consecutiveFailures > 0 && (
                <span className="ms-2 text-xs text-slate-700">{c.health.consecutiveFailures} failure(s)</span>
              )}
            </Td>
            <Td className="whitespace-nowrap">{formatUtc(c.health.lastSuccessAt)}</Td>
            <Td className="whitespace-nowrap">{formatUtc(c.health.tokenExpiresAt)}</Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
