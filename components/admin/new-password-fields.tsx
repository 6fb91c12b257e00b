"use client";
import { useTranslations } from "next-intl";
import { Field } from "@/components/ui/field";

/** The new password and its repetition, as setting and changing a password both ask for them. */
export function NewPasswordFields({ minLength, repeatLabel }: { minLength: number; repeatLabel: string }) {
  const t = useTranslations("admin.account");
  return (
    <>
      <Field
        label={t("newPassword")}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
        hint={t("passwordHint", { minimum: minLength })}
      />
      <Field
        label={repeatLabel}
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
      />
    </>
  );
}
