import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requirePagePermission } from "@/lib/auth/guard";
import { listStaff } from "@/lib/staff";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { DisableForm, InviteStaffForm, PasswordLinkForm, RoleForm } from "@/components/admin/staff-forms";
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.staff");
  return { title: t("title") };
}

export default async function StaffPage() {
  const me = await requirePagePermission("manageStaff");
  const [staff, t, tRoles] = await Promise.all([
    listStaff(),
    getTranslations("admin.staff"),
    getTranslations("admin.layout.roles"),
  ]);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="mb-6">
        <InviteStaffForm />
      </div>
      <Table
        caption={t("table.caption")}
        head={[t("table.member"), t("table.status"), t("table.lastSignIn"), t("table.role"), t("table.actions")]}
      >
        {staff.map((s) => (
          <tr key={s.id}>
            <Td>
              <div className="font-medium">
                <Ident className="">{s.email}</Ident>
              </div>
              {s.name && <div className="text-xs text-slate-600">{s.name}</div>}
            </Td>
            <Td>
              {s.disabledAt ? (
                <Badge tone="danger">{t("status.disabled")}</Badge>
              ) : s.hasPassword ? (
                <Badge tone="success">{t("status.active")}</Badge>
              ) : (
                <Badge tone="warning">{t("status.invited")}</Badge>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              <When date={s.lastSignInAt} />
            </Td>
            <Td>
              {s.id === me.id ? (
                <span>{t("you", { role: tRoles(s.role) })}</span>
              ) : (
                <RoleForm staffId={s.id} email={s.email} role={s.role} />
              )}
            </Td>
            <Td>
              {s.id !== me.id && (
                <div className="flex flex-col gap-2">
                  <DisableForm staffId={s.id} email={s.email} disabled={s.disabledAt !== null} />
                  {!s.disabledAt && <PasswordLinkForm staffId={s.id} email={s.email} />}
                </div>
              )}
            </Td>
          </tr>
        ))}
      </Table>
    </>
  );
}
