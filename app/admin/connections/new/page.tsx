import type { Metadata } from "next";
import Link from "next/link";
import { requirePagePermission } from "@/lib/auth/guard";
import { config } from "@/lib/config/env";
import { CreateConnectionForm } from "@/components/connections/forms";
import { PageHeader } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "New connection" };

export default async function NewConnectionPage() {
  await requirePagePermission("manageConnections");
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/connections" className="text-brand-800 underline underline-offset-2">
          ← Connections
        </Link>
      </p>
      <PageHeader
        title="New connection"
        description="The documented hosts of the provider and environment are filled in unless you give others."
      />
      <CreateConnectionForm simulators={config().providerSimulators} />
    </>
  );
}
