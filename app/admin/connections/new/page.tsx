import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { config } from "@/lib/config/env";
import { CreateConnectionForm } from "@/components/connections/forms";
import { PageHeader } from "@/components/ui/page-header";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.connections");
  return { title: t("newConnection") };
}

export default async function NewConnectionPage() {
  await requirePagePermission("manageConnections");
  const t = await getTranslations("admin.connections");
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/connections" className="text-brand-800 underline underline-offset-2">
          {t("back")}
        </Link>
      </p>
      <PageHeader title={t("newConnection")} description={t("newDescription")} />
      <CreateConnectionForm simulators={config().providerSimulators} />
    </>
  );
}
