"use client";
// Forms of the connections pages. The client secret fields are write-only: type=password, never
// prefilled, never echoed back by any action.
import { useActionState, useState } from "react";
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
import type { TestOutcome } from "@/lib/connections/service";
import { ENVIRONMENT_LABELS, PROVIDER_HOSTS, PROVIDER_LABELS } from "@/lib/connections/providers/hosts";
import { PROVIDER_IDS, type EnvironmentId, type ProviderId } from "@/lib/connections/providers/types";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";

const IDLE = { status: "idle" } as const;

function Message({ state }: { state: ActionState<unknown> }) {
  if (state.status === "error") return <Alert tone="error">{state.message}</Alert>;
  if (state.status === "ok") return <Alert tone="success">{state.message}</Alert>;
  return null;
}

const fieldError = (state: ActionState<unknown>, name: string) =>
  state.status === "error" ? state.fieldErrors?.[name] : undefined;

function OAuth2Options({
  credentialsIn = "basic",
  bodyEncoding = "form",
}: {
  credentialsIn?: string;
  bodyEncoding?: string;
}) {
  return (
    <>
      <SelectField
        label="Where the credentials go"
        name="credentialsIn"
        defaultValue={credentialsIn}
        options={[
          { value: "basic", label: "Basic authorization header (client_secret_basic)" },
          { value: "body", label: "Request body (client_secret_post)" },
        ]}
      />
      <SelectField
        label="Body encoding"
        name="bodyEncoding"
        defaultValue={bodyEncoding}
        options={[
          { value: "form", label: "Form (application/x-www-form-urlencoded)" },
          { value: "json", label: "JSON (application/json)" },
        ]}
      />
    </>
  );
}

export type SimulatorHosts = Partial<Record<ProviderId, { tokenUrl: string; apiBaseUrl: string }>>;

/** `simulators`: the bundled simulators' URLs in development (offered as an environment), else null. */
export function CreateConnectionForm({ simulators = null }: { simulators?: SimulatorHosts | null }) {
  const [state, action] = useActionState<ActionState, FormData>(createConnectionAction, IDLE);
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
    ...(simulators?.[provider] ? [{ value: "SIMULATOR", label: "Bundled simulator (development)" }] : []),
    ...(["SANDBOX", "PRODUCTION"] as const).map((env) => ({ value: env, label: ENVIRONMENT_LABELS[provider][env] })),
  ];
  return (
    <form action={action} className="flex max-w-2xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Provider"
          name="provider"
          value={provider}
          onChange={(e) => {
            const next = e.target.value as ProviderId;
            choose(next, environment === "SIMULATOR" && !simulators?.[next] ? "SANDBOX" : environment);
          }}
          options={PROVIDER_IDS.map((p) => ({ value: p, label: PROVIDER_LABELS[p] }))}
        />
        <SelectField
          label="Environment"
          name="environment"
          value={environment}
          onChange={(e) => choose(provider, e.target.value as EnvironmentId | "SIMULATOR")}
          options={environments}
          error={fieldError(state, "environment")}
        />
      </div>
      {simulator && (
        <Alert tone="info">
          The simulator that <code>npm run dev</code> started on this machine. Its built-in client id is{" "}
          <code>{provider.toLowerCase()}-sim-client</code>; the README&apos;s “What to try in development” gives its
          secret.
        </Alert>
      )}
      <Field
        label="Name"
        name="name"
        required
        maxLength={120}
        error={fieldError(state, "name")}
        hint="How people recognise it, e.g. “Noyo sandbox – benefits sync”."
      />
      <Field
        label="Client id"
        name="clientId"
        required
        maxLength={500}
        autoComplete="off"
        spellCheck={false}
        error={fieldError(state, "clientId")}
      />
      <Field
        label="Client secret"
        name="clientSecret"
        type="password"
        required
        maxLength={4000}
        autoComplete="new-password"
        spellCheck={false}
        error={fieldError(state, "clientSecret")}
        hint="Stored in the secret store only. It is never shown again; rotate it to change it."
      />
      <Field label="Scope (optional)" name="scope" maxLength={1000} error={fieldError(state, "scope")} />
      <Field
        label="Token URL"
        name="tokenUrl"
        type="url"
        value={urls.tokenUrl}
        onChange={(e) => setUrls((u) => ({ ...u, tokenUrl: e.target.value }))}
        required={!documented}
        placeholder={documented?.tokenUrl ?? "https://auth.example.com/oauth/v2/token"}
        error={fieldError(state, "tokenUrl")}
        hint={
          documented
            ? `Leave empty for the documented ${documented.tokenUrl}`
            : "The OAuth2 server's token endpoint (https)."
        }
      />
      <Field
        label="API base URL"
        name="apiBaseUrl"
        type="url"
        value={urls.apiBaseUrl}
        onChange={(e) => setUrls((u) => ({ ...u, apiBaseUrl: e.target.value }))}
        placeholder={documented?.apiBaseUrl ?? "https://api.example.com"}
        error={fieldError(state, "apiBaseUrl")}
        hint={documented ? `Leave empty for the documented ${documented.apiBaseUrl}` : "Optional."}
      />
      {provider === "OAUTH2" && <OAuth2Options />}
      <div>
        <SubmitButton pendingLabel="Creating…">Create connection</SubmitButton>
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
  const [state, action] = useActionState<ActionState, FormData>(updateConnectionAction, IDLE);
  return (
    <section aria-labelledby="edit" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="edit" className="text-lg font-semibold">
        Settings
      </h2>
      <form action={action} className="mt-3 flex flex-col gap-4">
        <input type="hidden" name="connectionId" value={connection.id} />
        <Field
          label="Name"
          name="name"
          required
          maxLength={120}
          defaultValue={connection.name}
          error={fieldError(state, "name")}
        />
        <Field
          label="Client id"
          name="clientId"
          required
          maxLength={500}
          defaultValue={connection.clientId}
          autoComplete="off"
          error={fieldError(state, "clientId")}
        />
        <Field
          label="Scope (optional)"
          name="scope"
          maxLength={1000}
          defaultValue={connection.scope ?? ""}
          error={fieldError(state, "scope")}
        />
        <Field
          label="Token URL"
          name="tokenUrl"
          type="url"
          required
          defaultValue={connection.tokenUrl}
          error={fieldError(state, "tokenUrl")}
        />
        <Field
          label="API base URL"
          name="apiBaseUrl"
          type="url"
          defaultValue={connection.apiBaseUrl ?? ""}
          error={fieldError(state, "apiBaseUrl")}
        />
        <Field
          label="Client secret (only when a URL moves to another host)"
          name="clientSecret"
          type="password"
          autoComplete="new-password"
          maxLength={4000}
          error={fieldError(state, "clientSecret")}
          hint="The stored secret is only ever sent to the host it was entered for. Moving the token URL or the API base URL to another host needs it entered again."
        />
        {connection.provider === "OAUTH2" && (
          <OAuth2Options credentialsIn={connection.credentialsIn} bodyEncoding={connection.bodyEncoding} />
        )}
        <div>
          <SubmitButton variant="secondary" pendingLabel="Saving…">
            Save settings
          </SubmitButton>
        </div>
        <Message state={state} />
      </form>
    </section>
  );
}

export function TestConnectionForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useActionState<ActionState<TestOutcome>, FormData>(testConnectionAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="connectionId" value={connectionId} />
      <div>
        <SubmitButton pendingLabel="Testing…">Test connection</SubmitButton>
      </div>
      <Message state={state} />
      {state.status === "ok" && state.data && (
        <ul className="flex flex-col gap-1 text-sm" aria-label="Test steps">
          {state.data.steps.map((s) => (
            <li key={s.label}>
              <span className="font-medium">{s.label}</span>: {s.ok ? "OK" : "failed"}
              {s.httpStatus !== null && ` (HTTP ${s.httpStatus})`} · {s.latencyMs} ms — {s.message}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}

export function RotateSecretForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useActionState<ActionState, FormData>(rotateSecretAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="connectionId" value={connectionId} />
      <Field
        label="New client secret"
        name="clientSecret"
        type="password"
        required
        maxLength={4000}
        autoComplete="new-password"
        spellCheck={false}
        error={fieldError(state, "clientSecret")}
        hint="A token is fetched with it first; only if that works does it become the current secret."
      />
      <div>
        <SubmitButton pendingLabel="Verifying the new secret…">Rotate secret</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function ConfirmRotationForm({ connectionId }: { connectionId: string }) {
  const [state, action] = useActionState<ActionState, FormData>(confirmRotationAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      <p className="text-sm text-slate-800">
        The previous secret version is still kept. Confirm once the old secret has been revoked at the provider.
      </p>
      <div>
        <SubmitButton variant="secondary" pendingLabel="Confirming…">
          Confirm rotation
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function DisableConnectionForm({ connectionId, disabled }: { connectionId: string; disabled: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(setDisabledAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      <input type="hidden" name="disable" value={disabled ? "0" : "1"} />
      <div>
        <SubmitButton variant={disabled ? "secondary" : "danger"} pendingLabel="Saving…">
          {disabled ? "Enable connection" : "Disable connection"}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function DeleteConnectionForm({ connectionId, name }: { connectionId: string; name: string }) {
  const [state, action] = useActionState<ActionState, FormData>(deleteConnectionAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="connectionId" value={connectionId} />
      <Field
        label={`Type “delete” to delete ${name}`}
        name="confirm"
        required
        autoComplete="off"
        pattern="delete"
        hint="Its secret is scheduled for deletion (recoverable for 7 days)."
      />
      <div>
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete connection
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}
