"use client";
import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { useActionMessage } from "@/components/i18n/action-message";
import { setPasswordAction, type SetPasswordState } from "@/app/admin/sign-in/set-password/actions";
import { NewPasswordFields } from "./new-password-fields";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

/** The link's token, read from the URL fragment (which never reaches a server or a log). */
function tokenFromFragment(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
}

export function SetPasswordForm({ minLength }: { minLength: number }) {
  const t = useTranslations("admin.account");
  const { text } = useActionMessage();
  const [state, action] = useActionState<SetPasswordState, FormData>(
    (previous, formData) => {
      formData.set("token", tokenFromFragment());
      return setPasswordAction(previous, formData);
    },
    { error: null },
  );
  return (
    <form action={action} className="flex flex-col gap-4">
      {state.error && <Alert tone="error">{text(state.i18n, state.error, "admin.account.errors.weakPassword")}</Alert>}
      <NewPasswordFields minLength={minLength} repeatLabel={t("repeatPassword")} />
      <SubmitButton pendingLabel={t("saving")} className="w-full">
        {t("setPassword.submit")}
      </SubmitButton>
    </form>
  );
}
