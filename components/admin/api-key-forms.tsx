"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { useTranslations } from "next-intl";
import { useActionMessage } from "@/components/i18n/action-message";
import { Ident } from "@/components/i18n/ident";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/admin/api-keys/actions";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { SecretOnce } from "@/components/ui/secret-once";

// Scope names and the routes they open: identifiers, the same in every language.
const SCOPES = [
  { value: "onboarding-links", hint: "POST /api/v1/onboarding-links" },
  { value: "connection-tokens", hint: "GET /api/v1/connections/{id}/token" },
  { value: "sellers:read", hint: "GET /api/v1/sellers, /api/v1/sellers/{id}, /api/v1/authorizations/{reference}" },
] as const;

export interface ConnectionChoice {
  id: string;
  label: string;
}

export function CreateApiKeyForm({ connections, today }: { connections: ConnectionChoice[]; today: string }) {
  const [state, action] = useFormAction(createApiKeyAction);
  const t = useTranslations("admin.apiKeys");
  const { field, message } = useActionMessage();
  const fieldError = (name: string) => field(state, name);
  const scopeError = fieldError("scopes");
  const connectionsError = fieldError("connectionIds");
  return (
    <section aria-labelledby="create-key" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="create-key" className="text-lg font-semibold">
        {t("form.title")}
      </h2>
      <form action={action} className="mt-3 flex flex-col gap-3">
        <Field
          label={t("form.name")}
          name="name"
          required
          maxLength={100}
          hint={t("form.nameHint")}
          error={fieldError("name")}
        />
        <fieldset className="flex flex-col gap-2" aria-describedby={scopeError ? "scope-error" : undefined}>
          <legend className="text-sm font-medium">{t("form.scopes")}</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="flex min-h-10 items-center gap-2 text-sm">
              <input type="checkbox" name="scopes" value={s.value} className="size-4" />
              <span>
                <Ident className="font-mono">{s.value}</Ident> — <Ident className="text-slate-600">{s.hint}</Ident>
              </span>
            </label>
          ))}
          {scopeError && (
            <p id="scope-error" className="text-sm text-red-700">
              {scopeError}
            </p>
          )}
        </fieldset>
        <Field
          label={t("form.validThrough")}
          name="expiresOn"
          type="date"
          min={today}
          className="max-w-xs"
          hint={t("form.validThroughHint")}
          error={fieldError("expiresOn")}
        />
        <fieldset
          className="flex flex-col gap-2"
          aria-describedby={`connections-hint${connectionsError ? " connections-error" : ""}`}
        >
          <legend className="text-sm font-medium">{t.rich("form.limit", { ident: (c) => <Ident>{c}</Ident> })}</legend>
          <p id="connections-hint" className="text-xs text-slate-600">
            {connections.length ? t("form.noneTicked") : t("form.noConnections")}
          </p>
          {connections.map((c) => (
            <label key={c.id} className="flex min-h-10 items-center gap-2 text-sm">
              <input type="checkbox" name="connectionIds" value={c.id} className="size-4" />
              <span>{c.label}</span>
            </label>
          ))}
          {connectionsError && (
            <p id="connections-error" className="text-sm text-red-700">
              {connectionsError}
            </p>
          )}
        </fieldset>
        <div>
          <SubmitButton pendingLabel={t("form.creating")}>{t("form.submit")}</SubmitButton>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-3">
        {state.status === "error" && <Alert tone="error">{message(state)}</Alert>}
        {state.status === "ok" && state.data && (
          <SecretOnce
            label={t.rich("form.keyLabel", { prefix: state.data.prefix, ident: (c) => <Ident>{c}</Ident> })}
            value={state.data.key}
            note={t("form.keyNote")}
          />
        )}
      </div>
    </section>
  );
}

export function RevokeApiKeyForm({ apiKeyId, prefix }: { apiKeyId: string; prefix: string }) {
  const [state, action] = useFormAction(revokeApiKeyAction);
  const t = useTranslations("admin.apiKeys");
  const { message } = useActionMessage();
  if (state.status === "ok") return <Alert tone="success">{message(state)}</Alert>;
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="apiKeyId" value={apiKeyId} />
      <SubmitButton variant="danger" pendingLabel={t("revoking")}>
        {t.rich("revoke", { prefix, hidden: (c) => <span className="sr-only">{c}</span> })}
      </SubmitButton>
      {state.status === "error" && <Alert tone="error">{message(state)}</Alert>}
    </form>
  );
}
