import Link from "next/link";
import { useTranslations } from "next-intl";
import { allows, type Permission, type Role } from "@/lib/auth/permissions";

const ITEMS = [
  { href: "/admin/sellers", label: "sellers", permission: "read" },
  { href: "/admin/requests", label: "requests", permission: "read" },
  { href: "/admin/connections", label: "connections", permission: "read" },
  { href: "/admin/staff", label: "staff", permission: "manageStaff" },
  { href: "/admin/api-keys", label: "apiKeys", permission: "manageApiKeys" },
  { href: "/admin/webhooks", label: "webhooks", permission: "manageWebhooks" },
  { href: "/admin/audit", label: "audit", permission: "readAudit" },
] as const satisfies readonly { href: string; label: string; permission: Permission }[];

/** The dashboard's navigation: only the sections the role may open. */
export function AdminNav({ role }: { role: Role }) {
  const t = useTranslations("admin.nav");
  return (
    <nav aria-label={t("label")} className="relative overflow-x-auto">
      <ul className="flex gap-1 text-sm">
        {ITEMS.filter((i) => allows(role, i.permission)).map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              className="inline-flex min-h-10 items-center whitespace-nowrap rounded-md px-3 py-2 font-medium text-slate-800 hover:bg-slate-200"
            >
              {t(item.label)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
