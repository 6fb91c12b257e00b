"use client";
import { useActionState } from "react";
import {
  changeRoleAction,
  disableStaffAction,
  enableStaffAction,
  inviteStaffAction,
  passwordLinkAction,
} from "@/app/admin/staff/actions";
import type { ActionState } from "@/lib/auth/action";
import { Field, SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { SecretOnce } from "@/components/ui/secret-once";

const IDLE = { status: "idle" } as const;
const ROLE_OPTIONS = [
  { value: "SUPPORT", label: "Support (read only)" },
  { value: "OPERATIONS", label: "Operations" },
  { value: "ADMIN", label: "Admin" },
] as const;

function Message({ state }: { state: ActionState<unknown> }) {
  if (state.status === "error") return <Alert tone="error">{state.message}</Alert>;
  if (state.status === "ok") return <Alert tone="success">{state.message}</Alert>;
  return null;
}

export function InviteStaffForm() {
  const [state, action] = useActionState<ActionState<{ link: string; email: string }>, FormData>(
    inviteStaffAction,
    IDLE,
  );
  const fieldError = (name: string) => (state.status === "error" ? state.fieldErrors?.[name] : undefined);
  return (
    <section aria-labelledby="invite-staff" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="invite-staff" className="text-lg font-semibold">
        Invite a staff member
      </h2>
      <form action={action} className="mt-3 grid gap-3 sm:grid-cols-3">
        <Field label="E-mail" name="email" type="email" required maxLength={254} error={fieldError("email")} />
        <Field label="Name (optional)" name="name" maxLength={120} error={fieldError("name")} />
        <SelectField
          label="Role"
          name="role"
          options={ROLE_OPTIONS}
          defaultValue="SUPPORT"
          error={fieldError("role")}
        />
        <div className="sm:col-span-3">
          <SubmitButton pendingLabel="Inviting…">Invite</SubmitButton>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-3">
        <Message state={state} />
        {state.status === "ok" && state.data && (
          <SecretOnce
            label={`Set-password link for ${state.data.email}`}
            value={state.data.link}
            note="Send it to them privately. It works once, for 72 hours, and is shown only now."
          />
        )}
      </div>
    </section>
  );
}

export function RoleForm({ staffId, email, role }: { staffId: string; email: string; role: string }) {
  const [state, action] = useActionState<ActionState, FormData>(changeRoleAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2 sm:flex-row sm:items-end">
      <input type="hidden" name="staffId" value={staffId} />
      <SelectField label={`Role of ${email}`} name="role" options={ROLE_OPTIONS} defaultValue={role} />
      <SubmitButton variant="secondary" pendingLabel="Saving…">
        Change role<span className="sr-only"> of {email}</span>
      </SubmitButton>
      <Message state={state} />
    </form>
  );
}

export function DisableForm({ staffId, email, disabled }: { staffId: string; email: string; disabled: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(
    disabled ? enableStaffAction : disableStaffAction,
    IDLE,
  );
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="staffId" value={staffId} />
      <SubmitButton variant={disabled ? "secondary" : "danger"} pendingLabel="Saving…">
        {disabled ? "Enable" : "Disable"}
        <span className="sr-only"> {email}</span>
      </SubmitButton>
      <Message state={state} />
    </form>
  );
}

export function PasswordLinkForm({ staffId, email }: { staffId: string; email: string }) {
  const [state, action] = useActionState<ActionState<{ link: string; email: string }>, FormData>(
    passwordLinkAction,
    IDLE,
  );
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="staffId" value={staffId} />
      <input type="hidden" name="email" value={email} />
      <SubmitButton variant="secondary" pendingLabel="Issuing…">
        Password link<span className="sr-only"> for {email}</span>
      </SubmitButton>
      {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
      {state.status === "ok" && state.data && (
        <SecretOnce label={`Set-password link for ${email}`} value={state.data.link} />
      )}
    </form>
  );
}
