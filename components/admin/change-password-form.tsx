"use client";
import { useActionState } from "react";
import { changePasswordAction, type ChangePasswordState } from "@/app/admin/account/password/actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<ChangePasswordState, FormData>(changePasswordAction, { error: null });
  return (
    <form action={action} className="flex flex-col gap-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <Field label="Current password" name="current" type="password" autoComplete="current-password" required />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
        hint={`At least ${minLength} characters and hard to guess: a few unrelated words, or a password manager's suggestion.`}
      />
      <Field
        label="Repeat the new password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
      />
      <SubmitButton pendingLabel="Saving…" className="w-full">
        Change password
      </SubmitButton>
    </form>
  );
}
