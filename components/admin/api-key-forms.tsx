"use client";
import { useActionState } from "react";
import { createApiKeyAction, revokeApiKeyAction } from "@/app/admin/api-keys/actions";
import type { ActionState } from "@/lib/auth/action";
import { Field } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { SecretOnce } from "@/components/ui/secret-once";

const IDLE = { status: "idle" } as const;
const SCOPES = [
  { value: "onboarding-links", label: "onboarding-links", hint: "POST /api/v1/onboarding-links" },
  { value: "connection-tokens", label: "connection-tokens", hint: "GET /api/v1/connections/{id}/token" },
  {
    value: "sellers:read",
    label: "sellers:read",
    hint: "GET /api/v1/sellers, /api/v1/sellers/{id}, /api/v1/authorizations/{reference}",
  },
] as const;

export interface ConnectionChoice {
  id: string;
  label: string;
}

export function CreateApiKeyForm({ connections, today }: { connections: ConnectionChoice[]; today: string }) {
  const [state, action] = useActionState<ActionState<{ key: string; prefix: string }>, FormData>(
    createApiKeyAction,
    IDLE,
  );
  const fieldError = (name: string) => (state.status === "error" ? state.fieldErrors?.[name] : undefined);
  const scopeError = fieldError("scopes");
  const connectionsError = fieldError("connectionIds");
  return (
    <section aria-labelledby="create-key" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="create-key" className="text-lg font-semibold">
        New API key
      </h2>
      <form action={action} className="mt-3 flex flex-col gap-3">
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          hint="Which service uses it, e.g. marketplace-backend."
          error={fieldError("name")}
        />
        <fieldset className="flex flex-col gap-2" aria-describedby={scopeError ? "scope-error" : undefined}>
          <legend className="text-sm font-medium">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="flex min-h-10 items-center gap-2 text-sm">
              <input type="checkbox" name="scopes" value={s.value} className="size-4" />
              <span>
                <code>{s.label}</code> <span className="text-slate-600">— {s.hint}</span>
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
          label="Valid through (optional)"
          name="expiresOn"
          type="date"
          min={today}
          className="max-w-xs"
          hint="The key stops working at the end of this day (UTC). Leave empty for a key that does not expire."
          error={fieldError("expiresOn")}
        />
        <fieldset
          className="flex flex-col gap-2"
          aria-describedby={`connections-hint${connectionsError ? " connections-error" : ""}`}
        >
          <legend className="text-sm font-medium">Limit to connections (optional, connection-tokens only)</legend>
          <p id="connections-hint" className="text-xs text-slate-600">
            {connections.length
              ? "None ticked: the key may fetch tokens of every connection."
              : "No connections yet: the key may fetch tokens of every connection created later."}
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
          <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-3">
        {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
        {state.status === "ok" && state.data && (
          <SecretOnce
            label={`API key ${state.data.prefix}…`}
            value={state.data.key}
            note="Store it in the calling service's secret store now: only a hash is kept here, it cannot be shown again."
          />
        )}
      </div>
    </section>
  );
}

export function RevokeApiKeyForm({ apiKeyId, prefix }: { apiKeyId: string; prefix: string }) {
  const [state, action] = useActionState<ActionState, FormData>(revokeApiKeyAction, IDLE);
  if (state.status === "ok") return <Alert tone="success">{state.message}</Alert>;
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="apiKeyId" value={apiKeyId} />
      <SubmitButton variant="danger" pendingLabel="Revoking…">
        Revoke<span className="sr-only"> key {prefix}</span>
      </SubmitButton>
      {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
    </form>
  );
}
