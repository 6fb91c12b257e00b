"use client";
import { useFormAction } from "@/components/ui/use-form-action";
// Forms of the webhooks pages. A signing secret appears only in the answer of create or rotate, once.
import Link from "next/link";
import { useTranslations } from "next-intl";
import {
  createEndpointAction,
  deleteEndpointAction,
  redeliverAction,
  redeliverSinceAction,
  rotateSecretAction,
  sendTestEventAction,
  setEndpointEnabledAction,
  updateEndpointAction,
} from "@/app/admin/webhooks/actions";
import type { ActionState } from "@/lib/auth/action";
import { EVENT_TYPES } from "@/lib/webhooks/catalogue";
import { ActionMessage as Message, useActionMessage } from "@/components/i18n/action-message";
import { When } from "@/components/admin/when";
import { Ident } from "@/components/i18n/ident";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/button";
import { Field, SelectField } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";

/** An event type as a key of admin.webhooks.eventDescriptions (a dot would nest the key). */
const eventKey = (type: string) => type.replace(".", "_") as "seller_connected";

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
  const t = useTranslations("admin.webhooks.form");
  const tEvents = useTranslations("admin.webhooks.eventDescriptions");
  const { field } = useActionMessage();
  const fieldError = (s: ActionState<unknown>, name: string) => field(s, name);
  const typesError =
    fieldError(state, "eventTypes") ??
    fieldError(
      state,
      Object.keys(state.status === "error" ? (state.fieldErrors ?? {}) : {}).find((k) => k.startsWith("eventTypes.")) ??
        "eventTypes",
    );
  return (
    <>
      <Field
        label={t("url")}
        name="url"
        dir="ltr"
        type="url"
        required
        defaultValue={url}
        maxLength={2000}
        inputMode="url"
        autoComplete="off"
        hint={t("urlHint")}
        error={fieldError(state, "url")}
      />
      <Field
        label={t("description")}
        name="description"
        defaultValue={description}
        maxLength={200}
        error={fieldError(state, "description")}
      />
      <fieldset className="flex flex-col gap-1" aria-describedby={typesError ? "event-types-error" : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-900">{t("events")}</legend>
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
              <Ident className="font-mono font-medium">{type}</Ident>{" "}
              <span className="text-slate-700">— {tEvents(eventKey(type))}</span>
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
  const [state, action] = useFormAction(createEndpointAction);
  const t = useTranslations("admin.webhooks");
  const { message } = useActionMessage();
  return (
    <section aria-labelledby="new-endpoint" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="new-endpoint" className="text-lg font-semibold">
        {t("form.title")}
      </h2>
      {state.status === "ok" && state.data ? (
        <div className="mt-3 flex flex-col gap-3">
          <SecretOnce label={t("secret.title")} value={state.data.secret} note={t("form.secretNote")} />
          <p className="text-sm">
            {t.rich("form.openEndpoint", {
              link: (c) => (
                <Link
                  href={`/admin/webhooks/${state.data?.id}`}
                  className="text-brand-800 underline underline-offset-2"
                >
                  {c}
                </Link>
              ),
            })}
          </p>
        </div>
      ) : (
        <form action={action} className="mt-3 flex flex-col gap-3">
          <EndpointFields state={state} />
          <div>
            <SubmitButton pendingLabel={t("form.creating")}>{t("form.create")}</SubmitButton>
          </div>
          {state.status === "error" && <Alert tone="error">{message(state)}</Alert>}
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
  const [state, action] = useFormAction(updateEndpointAction);
  const t = useTranslations("admin.webhooks.form");
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
        <SubmitButton pendingLabel={t("saving")}>{t("save")}</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function EnableEndpointForm({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  const [state, action] = useFormAction(setEndpointEnabledAction);
  const t = useTranslations("admin.webhooks.availability");
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <input type="hidden" name="enabled" value={disabled ? "1" : "0"} />
      <div>
        <SubmitButton
          variant={disabled ? "primary" : "secondary"}
          pendingLabel={disabled ? t("enabling") : t("disabling")}
        >
          {disabled ? t("enable") : t("disable")}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function TestEventForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useFormAction(sendTestEventAction);
  const t = useTranslations("admin.webhooks.test");
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <div>
        <SubmitButton pendingLabel={t("sending")}>{t("submit")}</SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function RotateSecretForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useFormAction(rotateSecretAction);
  const t = useTranslations("admin.webhooks.secret");
  const { field } = useActionMessage();
  if (state.status === "ok" && state.data) {
    const until = state.data.previousValidUntil;
    return (
      <SecretOnce
        label={t("newSecret")}
        value={state.data.secret}
        note={until ? t.rich("overlapNote", { when: () => <When date={until} /> }) : t("noOverlapNote")}
      />
    );
  }
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="endpointId" value={endpointId} />
      <SelectField
        label={t("overlap")}
        name="overlapHours"
        defaultValue="24"
        options={[
          { value: "0", label: t("noOverlap") },
          { value: "1", label: t("hours", { count: 1 }) },
          { value: "24", label: t("hours", { count: 24 }) },
          { value: "72", label: t("days", { count: 3 }) },
          { value: "168", label: t("days", { count: 7 }) },
        ]}
        error={field(state, "overlapHours")}
      />
      <div>
        <SubmitButton variant="secondary" pendingLabel={t("rotating")}>
          {t("rotate")}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}

export function DeleteEndpointForm({ endpointId }: { endpointId: string }) {
  const [state, action] = useFormAction(deleteEndpointAction);
  const t = useTranslations("admin.webhooks.delete");
  const { field, message } = useActionMessage();
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <Field
        label={t("confirmLabel", { word: "delete" })}
        name="confirm"
        dir="ltr"
        required
        autoComplete="off"
        pattern="delete"
        hint={t("hint")}
        error={field(state, "confirm")}
      />
      <div>
        <SubmitButton variant="danger" pendingLabel={t("deleting")}>
          {t("submit")}
        </SubmitButton>
      </div>
      {state.status === "error" && <Alert tone="error">{message(state)}</Alert>}
    </form>
  );
}

export function RedeliverSinceForm({ endpointId, defaultSince }: { endpointId: string; defaultSince: string }) {
  const [state, action] = useFormAction(redeliverSinceAction);
  const t = useTranslations("admin.webhooks.redeliver");
  const { field } = useActionMessage();
  return (
    <form action={action} className="flex flex-col gap-3">
      <input type="hidden" name="endpointId" value={endpointId} />
      <Field
        label={t("since")}
        name="since"
        dir="ltr"
        type="datetime-local"
        required
        defaultValue={defaultSince}
        hint={t("sinceHint")}
        error={field(state, "since")}
      />
      <div>
        <SubmitButton variant="secondary" pendingLabel={t("queuing")}>
          {t("submit")}
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
  const [state, action] = useFormAction(redeliverAction);
  const t = useTranslations("admin.webhooks.redeliver");
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="endpointId" value={endpointId} />
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <div>
        <SubmitButton variant="secondary" pendingLabel={t("queuing")}>
          {t.rich("submitOne", { label, hidden: (c) => <span className="sr-only">{c}</span> })}
        </SubmitButton>
      </div>
      <Message state={state} />
    </form>
  );
}
