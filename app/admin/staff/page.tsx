import type { Metadata } from "next";
import { requirePagePermission } from "@/lib/auth/guard";
import { listStaff } from "@/lib/staff";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { DisableForm, InviteStaffForm, PasswordLinkForm, RoleForm } from "@/components/admin/staff-forms";
import { formatUtc } from "@/components/admin/format";

export const metadata: Metadata = { title: "Staff" };

export default async function StaffPage() {
  const me = await requirePagePermission("manageStaff");
  const staff = await listStaff();
  return (
    <>
      <PageHeader
        title="Staff"
        description="Who can sign in, with which role. A role change or a disable ends that person's sessions at once."
      />
      <div className="mb-6">
        <InviteStaffForm />
      </div>
      <Table caption="Staff members" head={["Staff member", "Status", "Last sign-in", "Role", "Actions"]}>
        {staff.map((s) => (
          <tr key={s.id}>
            <Td>
              <div className="font-medium">{s.email}</div>
              {s.name && <div className="text-xs text-slate-600">{s.name}</div>}
            </Td>
            <Td>
              {s.disabledAt ? (
                <Badge tone="danger">Disabled</Badge>
              ) : s.hasPassword ? (
                <Badge tone="success">Active</Badge>
              ) : (
                <Badge tone="warning">Invited</Badge>
              )}
            </Td>
            <Td className="whitespace-nowrap">{formatUtc(s.lastSignInAt)}</Td>
            <Td>
              {s.id === me.id ? (
                <span>{s.role.toLowerCase()} (you)</span>
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
