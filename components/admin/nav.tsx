import Link from "next/link";
import { allows, type Permission, type Role } from "@/lib/auth/permissions";

const ITEMS: readonly { href: string; label: string; permission: Permission }[] = [
  { href: "/admin/sellers", label: "Sellers", permission: "read" },
  { href: "/admin/requests", label: "Requests", permission: "read" },
  { href: "/admin/connections", label: "Connections", permission: "read" },
  { href: "/admin/staff", label: "Staff", permission: "manageStaff" },
  { href: "/admin/api-keys", label: "API keys", permission: "manageApiKeys" },
  { href: "/admin/webhooks", label: "Webhooks", permission: "manageWebhooks" },
  { href: "/admin/audit", label: "Audit", permission: "readAudit" },
];

/** The dashboard's navigation: only the sections the role may open. */
export function AdminNav({ role }: { role: Role }) {
  return (
    <nav aria-label="Dashboard" className="relative overflow-x-auto">
      <ul className="flex gap-1 text-sm">
        {ITEMS.filter((i) => allows(role, i.permission)).map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              className="inline-flex min-h-10 items-center whitespace-nowrap rounded-md px-3 py-2 font-medium text-slate-800 hover:bg-slate-200"
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
