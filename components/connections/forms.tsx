"use client";
import { useFormAction } from "@/components/ui/use-form-action";
// Forms of the connections pages. The client secret fields are write-only: type=password, never
// prefilled, never echoed back by any action.
import { useState } from "react";
import { useTranslations } from "next-intl";
import {
  confirmRotationAction,
  createConnectionAction,
  deleteConnectionAction,
  rotateSecretAction,
  setDisabledAction,
  testConnectionAction,
  updateConnectionAction,
} from "@/app/admin/connections/actions";
import type { ActionState } from "@/lib/auth/action";
import { PROVIDER_HOSTS } from "@/lib/connections/providers/hosts";
import { PROVIDER_IDS, type EnvironmentId, type ProviderId } from "@/lib/connections/providers/types";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { ActionMessage as Message, useActionMessage } from "@/components/i18n/action-message";
import { Ident } from "@/components/i18n/ident";
import { environmentKey } from "@/components/connections/labels";

/** The steps lib/connections/service.ts names in English, as keys of admin.connections.test.step. */
const STEP_KEYS: Partial<Record<string, "readSecret" | "token">> = {
  "Read the client secret": "readSecret",
  "Token request": "token",
};

const ident = (chunks: React.ReactNode) => <Ident>{chunks}</Ident>;
const hidden = (chunks: React.ReactNode) => <span className="sr-only">{chunks}</span>;

function OAuth2Options({
  credentialsIn = "basic",
  bodyEncoding = "form",
}: {
  credentialsIn?: string;
  bodyEncoding?: string;
}) {
  const t = useTranslations("admin.connections.form");
  return (
    <>
      <SelectField
        label={t("credentialsIn")}
        name="credentialsIn"
        defaultValue={credentialsIn}
        options={[
          { value: "basic", label: t("credentialsBasic") },
          { value: "body", label: t("credentialsBody") },
        ]}
      />
      <SelectField
        label={t("bodyEncoding")}
        name="bodyEncoding"
        defaultValue={bodyEncoding}
        options={[
          { value: "form", label: t("bodyForm") },
          { value: "json", label: t("bodyJson") },
        ]}
      />
    </>
  );
}

export type SimulatorHosts = Partial<Record<ProviderId, { tokenUrl: string; apiBaseUrl: string }>>;

/** `simulators`: the bundled simulators' URLs in development (offered as an environment), else null. */
export function CreateConnectionForm({ simulators = null }: { simulators?: SimulatorHosts | null }) {
  const [state, action] = useFormAction(createConnectionAction);
  const t = useTranslations("admin.connections");
  const { field } = useActionMessage();
  const fieldError = (s: ActionState<unknown>, name: string) => field(s, name);
  const [provider, setProvider] = useState<ProviderId>("NOYO");
  const [environment, setEnvironment] = useState<EnvironmentId | "SIMULATOR">(
    simulators?.NOYO ? "SIMULATOR" : "SANDBOX",
  );
  const simulator = environment === "SIMULATOR" ? (simulators?.[provider] ?? null) : null;
  const [urls, setUrls] = useState(() => ({
    tokenUrl: simulators?.NOYO?.tokenUrl ?? "",
    apiBaseUrl: simulators?.NOYO?.apiBaseUrl ?? "",
  }));
  const documented = environment === "SIMULATOR" ? simulator : PROVIDER_HOSTS[provider]?.[environment];
  // Choosing the simulator fills both URLs; leaving it clears what it filled.
  const choose = (nextProvider: ProviderId, nextEnvironment: EnvironmentId | "SIMULATOR") => {
    const was = simulator;
    const next = nextEnvironment === "SIMULATOR" ? simulators?.[nextProvider] : undefined;
    setUrls((u) =>
      next
        ? { tokenUrl: next.tokenUrl, apiBaseUrl: next.apiBaseUrl }
        : {
            tokenUrl: u.tokenUrl === was?.tokenUrl ? "" : u.tokenUrl,
            apiBaseUrl: u.apiBaseUrl === was?.apiBaseUrl ? "" : u.apiBaseUrl,
          },
    );
    setProvider(nextProvider);
    setEnvironment(nextEnvironment);
  };
  const environments: { value: string; label: string }[] = [
    ...(simulators?.[provider] ? [{ value: "SIMULATOR", label: t("environments.SIMULATOR") }] : []),
    ...(["SANDBOX", "PRODUCTION"] as const).map((env) => ({
      value: env,
      label: t(`environments.${environmentKey(provider, env)}`),
    })),
  ];
  return (
    <form action={action} className="flex max-w-2xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label={t("form.provider")}
          name="provider"
          value={provider}
          onChange={(e) => {
            const next = e.target.value as ProviderId;
            choose(next, environment === "SIMULATOR" && !simulators?.[next] ? "SANDBOX" : environment);
          }}
          options={PROVIDER_IDS.map((p) => ({ value: p, label: t(`providers.${p}`) }))}
        />
        <SelectField
          label={t("form.environment")}
          name="environment"
          value={environment}
          onChange={(e) => choose(provider, e.target.value as EnvironmentId | "SIMULATOR")}
          options={environments}
          error={fieldError(state, "environment")}
        />
      </div>
      {simulator && (
        <Alert tone="info">
          {t.rich("form.simulatorNote", { clientId: `${provider.toLowerCase()}-sim-client`, ident })}
        </Alert>
      )}
      <Field
        label={t("form.name")}
        name="name"
        required
        maxLength={120}
        error={fieldError(state, "name")}
        hint={t("form.nameHint")}
      />
      <Field
        label={t("form.clientId")}
        name="clientId"
        dir="ltr"
        required
        maxLength={500}
        autoComplete="off"
        spellCheck={false}
        error={fieldError(state, "clientId")}
      />
      <Field
        label={t("form.clientSecret")}
        name="clientSecret"
        dir="ltr"
        type="password"
        required
        maxLength={4000}
        autoComplete="new-password"
        spellCheck={false}
        error={fieldError(state, "clientSecret")}
        hint={t("form.clientSecretHint")}
      />
      <Field label={t("form.scope")} name="scope" dir="ltr" maxLength={1000} error={fieldError(state, "scope")} />
      <Field
        label={t("form.tokenUrl")}
        dir="ltr"
        name="tokenUrl"
        type="url"
        value={urls.tokenUrl}
        onChange={(e) => setUrls((u) => ({ ...u, tokenUrl: e.target.value }))}
        required={!documented}
        placeholder={documented?.tokenUrl ?? "https://auth.example.com/oauth/v2/token"}
        error={fieldError(state, "tokenUrl")}
        hint={documented ? t("form.documented", { url: documented.tokenUrl }) : t("form.tokenUrlHint")}
      />
      <Field
        label={t("form.apiBaseUrl")}
        dir="ltr"
        name="apiBaseUrl"
        type="url"
        value={urls.apiBaseUrl}
        onChange={(e) => setUrls((u) => ({ ...u, apiBaseUrl: e.target.value }))}
        placeholder={documented?.apiBaseUrl ?? "https://api.example.com"}
        error={fieldError(state, "apiBaseUrl")}
        hint={documented ? t("form.documented", { url: documented.apiBaseUrl }) : t("form.optional")}
      />
      {provider === "OAUTH2" && <OAuth2Options />}
      <div>
        <SubmitButton pendingLabel={t("form.creating")}>{t("form.create")}</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export interface EditableConnection {
  id: string;
  provider: ProviderId;
  name: string;
  clientId: string;
  scope: string | null;
  tokenUrl: string;
  apiBaseUrl: string | null;
  credentialsIn: "basic" | "body";
  bodyEncoding: "form" | "json";
}

export function EditConnectionForm({ connection }: { connection: EditableConnection }) {
  const [state, action] = useFormAction(updateConnectionAction);
  const t = useTranslations("admin.connections.form");
  const { field } = useActionMessage();
  const fieldError = (s: ActionState<unknown>, name: string) => field(s, name);
  return (
    <section aria-labelledby="edit" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="edit" className="text-lg font-semibold">
        {t("settings")}
      </h2>
      <form action={action} className="mt-3 flex flex-col gap-4">
        <input type="hidden" name="connectionId" value={connection.id} />
        <Field
          label={t("name")}
          name="name"
          required
          maxLength={120}
          defaultValue={connection.name}
          error={fieldError(state, "name")}
        />
        <Field
          label={t("clientId")}
          name="clientId"
          dir="ltr"
          required
          maxLength={500}
          defaultValue={connection.clientId}
          autoComplete="off"
          error={fieldError(state, "clientId")}
        />
        <Field
          label={t("scope")}
          name="scope"
          dir="ltr"
          maxLength={1000}
          defaultValue={connection.scope ?? ""}
          error={fieldError(state, "scope")}
        />
        <Field
          label={t("tokenUrl")}
          name="tokenUrl"
          dir="ltr"
          type="url"
          required
          defaultValue={connection.tokenUrl}
          error={fieldError(state, "tokenUrl")}
        />
        <Field
          label={t("apiBaseUrl")}
          name="apiBaseUrl"
          dir="ltr"
          type="url"
          defaultValue={connection.apiBaseUrl ?? ""}
          error={fieldError(state, "apiBaseUrl")}
        />
        <Field
          label={t("clientSecretMove")}
          name="clientSecret"
          dir="ltr"
          type="password"
          autoComplete="new-password"
          maxLength={4000}
          error={fieldError(state, "clientSecret")}
          hint={t("clientSecretMoveHint")}
        />
        {connection.provider === "OAUTH2" && (
          <OAuth2Options credentialsIn={connection.credentialsIn} bodyEncoding={connection.bodyEncoding} />
        )}
        <div>
          <SubmitButton variant="secondary" pendingLabel={t("saving")}>
            {t("save")}
          </SubmitButton>
        </div>
        <Message state={state} />
      </form>
    </section>
  );
}

export function TestConnectionForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useFormAction(testConnectionAction);
  const t = useTranslations("admin.connections.test");
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="connectionId" value={connectionId} />
      <div>
        <SubmitButton pendingLabel={t("testing")}>{t("submit")}</SubmitButton>
      </div>
      <Message state={state} />
      {state.status === "ok" && state.data && (
        <ul className="flex flex-col gap-1 text-sm" aria-label={t("steps")}>
          {state.data.steps.map((s) => (
            <li key={s.label}>
              <span className="font-medium">
                {STEP_KEYS[s.label] ? (
                  t(`step.${STEP_KEYS[s.label] ?? "token"}`)
                ) : (
                  <Ident className="">{s.label}</Ident>
                )}
              </span>
              : {s.ok ? t("ok") : t("failed")}
              {s.httpStatus !== null && <> ({t("http", { status: s.httpStatus })})</>} · {t("ms", { ms: s.latencyMs })}
              {s.message && (
                <>
                  {" — "}
                  <bdi lang="en" dir="ltr">
                    {s.message}
                  </bdi>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function RotateSecretForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useFormAction(rotateSecretAction);
  const t = useTranslations("admin.connections.secret");
  const { field } = useActionMessage();
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="connectionId" value={connectionId} />
      <Field
        label={t("newSecret")}
        name="clientSecret"
        dir="ltr"
        type="password"
        required
        maxLength={4000}
        autoComplete="new-password"
        spellCheck={false}
        error={field(state, "clientSecret")}
        hint={t("newSecretHint")}
      />
      <div>
        <SubmitButton pendingLabel={t("verifying")}>{t("rotate")}</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function ConfirmRotationForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useFormAction(confirmRotationAction);
  const t = useTranslations("admin.connections.secret");
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      <p className="text-sm text-slate-800">{t("confirmIntro")}</p>
      <div>
        <SubmitButton variant="secondary" pendingLabel={t("confirming")}>
          {t("confirm")}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function DisableConnectionForm({ connectionId, disabled }: { connectionId: string; disabled: boolean }) {
  const [state, action] = useFormAction(setDisabledAction);
  const t = useTranslations("admin.connections.availability");
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      <input type="hidden" name="disable" value={disabled ? "0" : "1"} />
      <div>
        <SubmitButton variant={disabled ? "secondary" : "danger"} pendingLabel={t("saving")}>
          {disabled ? t("enable") : t("disable")}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function DeleteConnectionForm({ connectionId, name }: { connectionId: string; name: string }) {
  const [state, action] = useFormAction(deleteConnectionAction);
  const t = useTranslations("admin.connections.delete");
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      <Field
        label={t("confirmLabel", { name, word: "delete" })}
        name="confirm"
        dir="ltr"
        required
        autoComplete="off"
        pattern="delete"
        hint={t("hint")}
      />
      <div>
        <SubmitButton variant="danger" pendingLabel={t("deleting")}>
          {t.rich("submit", { name, hidden })}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}
