"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import type { MessageRef } from "@/lib/auth/action";
import { useActionMessage } from "@/components/i18n/action-message";
import { signInAction, type SignInState } from "@/app/admin/sign-in/actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: MessageRef | null }) {
  const t = useTranslations("admin.signIn");
  const { text } = useActionMessage();
  const [state, action] = useActionState<SignInState, FormData>(signInAction, { error: initialError, email: "" });
  return (
    <form action={action} className="flex flex-col gap-4" noValidate={false}>
      {state.error && <Alert tone="error">{text(state.error, "", "admin.signIn.errors.other")}</Alert>}
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field
        label={t("email")}
        name="email"
        type="email"
        autoComplete="username"
        required
        defaultValue={state.email}
        autoFocus
      />
      <Field label={t("password")} name="password" type="password" autoComplete="current-password" required />
      <SubmitButton pendingLabel={t("signingIn")} className="w-full">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}
