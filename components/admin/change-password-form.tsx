"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { useActionMessage } from "@/components/i18n/action-message";
import { changePasswordAction, type ChangePasswordState } from "@/app/admin/account/password/actions";
import { Field } from "@/components/ui/field";
import { NewPasswordFields } from "./new-password-fields";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

export function ChangePasswordForm({ minLength }: { minLength: number }) {
  const t = useTranslations("admin.account");
  const { text } = useActionMessage();
  const [state, action] = useActionState<ChangePasswordState, FormData>(changePasswordAction, { error: null });
  return (
    <form action={action} className="flex flex-col gap-4">
      {state.error && <Alert tone="error">{text(state.i18n, state.error, "admin.account.errors.weakPassword")}</Alert>}
      <Field label={t("currentPassword")} name="current" type="password" autoComplete="current-password" required />
      <NewPasswordFields minLength={minLength} repeatLabel={t("repeatNewPassword")} />
      <SubmitButton pendingLabel={t("saving")} className="w-full">
        {t("changePassword.submit")}
      </SubmitButton>
    </form>
  );
}
