"use client";
import { useActionState } from "react";
import { setPasswordAction, type SetPasswordState } from "@/app/admin/sign-in/set-password/actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

/** The link's token, read from the URL fragment (which never reaches a server or a log). */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
}

export function SetPasswordForm({ minLength }: { minLength: number }) {
  const [state, action] = useActionState<SetPasswordState, FormData>(
    (previous, formData) => {
      formData.set("token", tokenFromFragment());
      return setPasswordAction(previous, formData);
    },
    { error: null },
  );
  return (
    <form action={action} className="flex flex-col gap-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
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
        label="Repeat the password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
      />
      <SubmitButton pendingLabel="Saving…" className="w-full">
        Set password
      </SubmitButton>
    </form>
  );
}
