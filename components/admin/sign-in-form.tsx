"use client";
import { useActionState } from "react";
import { signInAction, type SignInState } from "@/app/admin/sign-in/actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const [state, action] = useActionState<SignInState, FormData>(signInAction, { error: initialError, email: "" });
  return (
    <form action={action} className="flex flex-col gap-4" noValidate={false}>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        label="E-mail"
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.email}
        autoFocus
      />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <SubmitButton pendingLabel="Signing in…" className="w-full">
        Sign in
      </SubmitButton>
    </form>
  );
}
