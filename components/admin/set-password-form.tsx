"use client";
import { useActionState } from "react";
import { setPasswordAction, type SetPasswordState } from "@/app/admin/sign-in/set-password/actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function SetPasswordForm({ token, minLength }: { token: string; minLength: number }) {
  const [state, action] = useActionState<SetPasswordState, FormData>(setPasswordAction, { error: null });
  return (
    <form action={action} className="flex flex-col gap-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={minLength} hint={`At least ${minLength} characters.`} />
      <Field label="Repeat the password" name="confirm" type="password" autoComplete="new-password" required minLength={minLength} />
      <SubmitButton pendingLabel="Saving…" className="w-full">
        Set password
      </SubmitButton>
    </form>
  );
}
