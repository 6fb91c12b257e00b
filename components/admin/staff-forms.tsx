"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { useTranslations } from "next-intl";
import { ActionMessage as Message, useActionMessage } from "@/components/i18n/action-message";
import { Ident } from "@/components/i18n/ident";
import {
  changeRoleAction,
  disableStaffAction,
  enableStaffAction,
  inviteStaffAction,
  passwordLinkAction,
} from "@/app/admin/staff/actions";
import { Field, SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { SecretOnce } from "@/components/ui/secret-once";

const ROLES = ["SUPPORT", "OPERATIONS", "ADMIN"] as const;

function useRoleOptions() {
  const t = useTranslations("admin.staff.roleOptions");
  return ROLES.map((value) => ({ value, label: t(value) }));
}

export function InviteStaffForm() {
  const [state, action] = useFormAction(inviteStaffAction);
  const t = useTranslations("admin.staff");
  const { field } = useActionMessage();
  const fieldError = (name: string) => field(state, name);
  const roleOptions = useRoleOptions();
  return (
    <section aria-labelledby="invite-staff" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="invite-staff" className="text-lg font-semibold">
        {t("invite.title")}
      </h2>
      <form action={action} className="mt-3 grid gap-3 sm:grid-cols-3">
        <Field
          label={t("invite.email")}
          name="email"
          type="email"
          required
          maxLength={254}
          error={fieldError("email")}
        />
        <Field label={t("invite.name")} name="name" maxLength={120} error={fieldError("name")} />
        <SelectField
          label={t("invite.role")}
          name="role"
          options={roleOptions}
          defaultValue="SUPPORT"
          error={fieldError("role")}
        />
        <div className="sm:col-span-3">
          <SubmitButton pendingLabel={t("invite.inviting")}>{t("invite.submit")}</SubmitButton>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-3">
        <Message state={state} />
        {state.status === "ok" && state.data && (
          <SecretOnce
            label={t.rich("linkFor", { email: state.data.email, ident: (c) => <Ident className="">{c}</Ident> })}
            value={state.data.link}
            note={t("linkNote")}
          />
        )}
      </div>
    </section>
  );
}

export function RoleForm({ staffId, email, role }: { staffId: string; email: string; role: string }) {
  const [state, action] = useFormAction(changeRoleAction);
  const t = useTranslations("admin.staff");
  const roleOptions = useRoleOptions();
  return (
    <form action={action} className="flex flex-col gap-2 sm:flex-row sm:items-end">
      <input type="hidden" name="staffId" value={staffId} />
      <SelectField label={t("roleOf", { email })} name="role" options={roleOptions} defaultValue={role} />
      <SubmitButton variant="secondary" pendingLabel={t("saving")}>
        {t.rich("changeRole", { email, hidden: (c) => <span className="sr-only">{c}</span> })}
      </SubmitButton>
      <Message state={state} />
    </form>
  );
}

export function DisableForm({ staffId, email, disabled }: { staffId: string; email: string; disabled: boolean }) {
  const [state, action] = useFormAction(disabled ? enableStaffAction : disableStaffAction);
  const t = useTranslations("admin.staff");
  const hidden = (c: React.ReactNode) => <span className="sr-only">{c}</span>;
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="staffId" value={staffId} />
      <SubmitButton variant={disabled ? "secondary" : "danger"} pendingLabel={t("saving")}>
        {disabled ? t.rich("enable", { email, hidden }) : t.rich("disable", { email, hidden })}
      </SubmitButton>
      <Message state={state} />
    </form>
  );
}

export function PasswordLinkForm({ staffId, email }: { staffId: string; email: string }) {
  const [state, action] = useFormAction(passwordLinkAction);
  const t = useTranslations("admin.staff");
  const { message } = useActionMessage();
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="staffId" value={staffId} />
      <input type="hidden" name="email" value={email} />
      <SubmitButton variant="secondary" pendingLabel={t("issuing")}>
        {t.rich("passwordLink", { email, hidden: (c) => <span className="sr-only">{c}</span> })}
      </SubmitButton>
      {state.status === "error" && <Alert tone="error">{message(state)}</Alert>}
      {state.status === "ok" && state.data && (
        <SecretOnce
          label={t.rich("linkFor", { email, ident: (c) => <Ident className="">{c}</Ident> })}
          value={state.data.link}
        />
      )}
    </form>
  );
}
