"use client";
// Forms of the webhooks pages. A signing secret appears only in the answer of create or rotate, once.
import Link from "next/link";
import { useActionState } from "react";
import {
  createEndpointAction,
  deleteEndpointAction,
  redeliverAction,
  redeliverSinceAction,
  rotateSecretAction,
  sendTestEventAction,
  setEndpointEnabledAction,
  updateEndpointAction,
  type CreatedEndpoint,
} from "@/app/admin/webhooks/actions";
import type { ActionState } from "@/lib/auth/action";
import { EVENT_DESCRIPTIONS, EVENT_TYPES } from "@/lib/webhooks/catalogue";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";

const IDLE = { status: "idle" } as const;

function Message({ state }: { state: ActionState<unknown> }) {
  if (state.status === "error") return <Alert tone="error">{state.message}</Alert>;
  if (state.status === "ok") return <Alert tone="success">{state.message}</Alert>;
  return null;
}

const fieldError = (state: ActionState<unknown>, name: string) =>
  state.status === "error" ? state.fieldErrors?.[name] : undefined;

function EndpointFields({
  state,
  url = "",
  description = "",
  eventTypes = [],
}: {
  state: ActionState<unknown>;
  url?: string;
  description?: string;
  eventTypes?: readonly string[];
}) {
  const typesError =
    fieldError(state, "eventTypes") ??
    Object.entries(state.status === "error" ? (state.fieldErrors ?? {}) : {}).find(([k]) =>
      k.startsWith("eventTypes."),
    )?.[1];
  return (
    <>
      <Field
        label="URL"
        name="url"
        type="url"
        required
        defaultValue={url}
        maxLength={2000}
        inputMode="url"
        autoComplete="off"
        hint="Where your backend receives events (https://…). Redirects are not followed."
        error={fieldError(state, "url")}
      />
      <Field
        label="Description (optional)"
        name="description"
        defaultValue={description}
        maxLength={200}
        error={fieldError(state, "description")}
      />
      <fieldset className="flex flex-col gap-1" aria-describedby={typesError ? "event-types-error" : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-900">Events to send</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} className="flex min-h-10 items-start gap-2 py-1 text-sm">
            <input
              type="checkbox"
              name="eventTypes"
              value={type}
              defaultChecked={eventTypes.includes(type)}
              className="mt-0.5 size-4 shrink-0"
            />
            <span>
              <code className="font-medium">{type}</code>{" "}
              <span className="text-slate-700">— {EVENT_DESCRIPTIONS[type]}</span>
            </span>
          </label>
        ))}
        {typesError && (
          <p id="event-types-error" className="text-sm text-red-700">
            {typesError}
          </p>
        )}
      </fieldset>
    </>
  );
}

export function CreateEndpointForm() {
  const [state, action] = useActionState<ActionState<CreatedEndpoint>, FormData>(createEndpointAction, IDLE);
  return (
    <section aria-labelledby="new-endpoint" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="new-endpoint" className="text-lg font-semibold">
        New endpoint
      </h2>
      {state.status === "ok" && state.data ? (
        <div className="mt-3 flex flex-col gap-3">
          <SecretOnce
            label="Signing secret"
            value={state.data.secret}
            note="Give it to the receiving backend now (it verifies each delivery with it): it is kept only in the secret store and cannot be shown again."
          />
          <p className="text-sm">
            <Link href={`/admin/webhooks/${state.data.id}`} className="text-brand-800 underline underline-offset-2">
              Open the endpoint
            </Link>{" "}
            to send a test event.
          </p>
        </div>
      ) : (
        <form action={action} className="mt-3 flex flex-col gap-3">
          <EndpointFields state={state} />
          <div>
            <SubmitButton pendingLabel="Creating…">Create endpoint</SubmitButton>
          </div>
          {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
        </form>
      )}
    </section>
  );
}

export function EditEndpointForm({
  endpoint,
}: {
  endpoint: { id: string; url: string; description: string | null; eventTypes: string[] };
}) {
  const [state, action] = useActionState<ActionState, FormData>(updateEndpointAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="endpointId" value={endpoint.id} />
      <EndpointFields
        state={state}
        url={endpoint.url}
        description={endpoint.description ?? ""}
        eventTypes={endpoint.eventTypes}
      />
      <div>
        <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function EnableEndpointForm({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(setEndpointEnabledAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <input type="hidden" name="enabled" value={disabled ? "1" : "0"} />
      <div>
        <SubmitButton variant={disabled ? "primary" : "secondary"} pendingLabel={disabled ? "Enabling…" : "Disabling…"}>
          {disabled ? "Enable endpoint" : "Disable endpoint"}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function TestEventForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useActionState<ActionState, FormData>(sendTestEventAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <div>
        <SubmitButton pendingLabel="Sending…">Send test event</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function RotateSecretForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useActionState<ActionState<{ secret: string; previousValidUntil: string | null }>, FormData>(
    rotateSecretAction,
    IDLE,
  );
  if (state.status === "ok" && state.data) {
    const until = state.data.previousValidUntil;
    return (
      <SecretOnce
        label="New signing secret"
        value={state.data.secret}
        note={
          until
            ? `Deliveries carry signatures of both secrets until ${until.slice(0, 16).replace("T", " ")} UTC: switch the receiver before then. Shown only this once.`
            : "The previous secret no longer signs anything. Shown only this once."
        }
      />
    );
  }
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="endpointId" value={endpointId} />
      <SelectField
        label="Keep signing with the current secret for"
        name="overlapHours"
        defaultValue="24"
        options={[
          { value: "0", label: "No overlap (stop at once)" },
          { value: "1", label: "1 hour" },
          { value: "24", label: "24 hours" },
          { value: "72", label: "3 days" },
          { value: "168", label: "7 days" },
        ]}
        error={fieldError(state, "overlapHours")}
      />
      <div>
        <SubmitButton variant="secondary" pendingLabel="Rotating…">
          Rotate secret
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function DeleteEndpointForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useActionState<ActionState, FormData>(deleteEndpointAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <Field
        label="Type “delete” to delete this endpoint"
        name="confirm"
        required
        autoComplete="off"
        pattern="delete"
        hint="Its deliveries go with it; its secret is scheduled for deletion (recoverable for 7 days)."
        error={fieldError(state, "confirm")}
      />
      <div>
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete endpoint
        </SubmitButton>
      </div>
      {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
    </form>
  );
}

export function RedeliverSinceForm({ endpointId, defaultSince }: { endpointId: string; defaultSince: string }) {
  const [state, action] = useActionState<ActionState, FormData>(redeliverSinceAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="endpointId" value={endpointId} />
      <Field
        label="Every event since (UTC)"
        name="since"
        type="datetime-local"
        required
        defaultValue={defaultSince}
        hint="Events of this endpoint's types, oldest first, with their original webhook-id."
        error={fieldError(state, "since")}
      />
      <div>
        <SubmitButton variant="secondary" pendingLabel="Queuing…">
          Redeliver
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function RedeliverForm({
  endpointId,
  deliveryId,
  label,
}: {
  endpointId: string;
  deliveryId: string;
  label: string;
}) {
  const [state, action] = useActionState<ActionState, FormData>(redeliverAction, IDLE);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <div>
        <SubmitButton variant="secondary" pendingLabel="Queuing…">
          Redeliver<span className="sr-only"> {label}</span>
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}
