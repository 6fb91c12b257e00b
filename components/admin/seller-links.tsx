"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { useFormatter, useTranslations } from "next-intl";
import { createSellerAction, issueLinkAction, revokeLinkAction, type IssuedLink } from "@/app/admin/sellers/actions";
import { Field, SelectField } from "@/components/ui/field";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";
import { SubmitButton } from "@/components/ui/button";
import { SecretOnce } from "@/components/ui/secret-once";
import { ActionMessage, useActionMessage } from "@/components/i18n/action-message";

/** The just-issued link: shown once, with copy and revoke. */
function IssuedLinkBox({ link }: { link: IssuedLink }) {
  const t = useTranslations("admin.sellers.links");
  const format = useFormatter();
  return (
    <div className="flex flex-col gap-2">
      <SecretOnce
        label={t("issuedLabel")}
        value={link.url}
        note={t("issuedNote", { expires: format.dateTime(new Date(link.expiresAt), "dateTimeZone") })}
      />
      <RevokeLinkButton linkId={link.linkId} label={t("revokeThis")} />
    </div>
  );
}

export function CreateSellerForm() {
  const [state, action] = useFormAction(createSellerAction);
  const t = useTranslations("admin.sellers.create");
  const { fieldError: errorOf } = useActionMessage();
  const fieldError = (name: string) => errorOf(state, name);
  return (
    <section aria-labelledby="create-seller" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="create-seller" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <form action={action} className="mt-3 grid gap-3 sm:grid-cols-3">
        <Field label={t("name")} name="name" required maxLength={200} error={fieldError("name")} />
        <Field label={t("email")} name="email" type="email" maxLength={254} error={fieldError("email")} />
        <Field
          label={t("externalId")}
          name="externalId"
          maxLength={200}
          hint={t("externalIdHint")}
          error={fieldError("externalId")}
        />
        <SelectField
          label={t("locale")}
          name="locale"
          defaultValue=""
          options={[
            { value: "", label: t("localeBrowser") },
            ...LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] })),
          ]}
          error={fieldError("locale")}
        />
        <div className="sm:col-span-3">
          <SubmitButton pendingLabel={t("pending")}>{t("submit")}</SubmitButton>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-3" aria-live="polite">
        <ActionMessage state={state} />
        {state.status === "ok" && state.data && <IssuedLinkBox link={state.data} />}
      </div>
    </section>
  );
}

export function IssueLinkButton({ sellerId, sellerName }: { sellerId: string; sellerName: string }) {
  const [state, action] = useFormAction(issueLinkAction);
  const t = useTranslations("admin.sellers.links");
  return (
    <div className="flex flex-col gap-2">
      <form action={action}>
        <input type="hidden" name="sellerId" value={sellerId} />
        <SubmitButton variant="secondary" pendingLabel={t("issuing")}>
          {t.rich("issue", { name: sellerName, sr: (chunks) => <span className="sr-only">{chunks}</span> })}
        </SubmitButton>
      </form>
      {state.status === "error" && <ActionMessage state={state} />}
      {state.status === "ok" && state.data && <IssuedLinkBox link={state.data} />}
    </div>
  );
}

export function RevokeLinkButton({ linkId, label }: { linkId: string; label?: string }) {
  const [state, action] = useFormAction(revokeLinkAction);
  const t = useTranslations("admin.sellers.links");
  return (
    <div className="flex flex-col gap-2">
      {state.status !== "ok" && (
        <form action={action}>
          <input type="hidden" name="linkId" value={linkId} />
          <SubmitButton variant="danger" pendingLabel={t("revoking")}>
            {label ?? t("revoke")}
          </SubmitButton>
        </form>
      )}
      <ActionMessage state={state} />
    </div>
  );
}
