"use client";
import { useActionState } from "react";
import { createSellerAction, issueLinkAction, revokeLinkAction, type IssuedLink } from "@/app/admin/sellers/actions";
import type { ActionState } from "@/lib/auth/action";
import { Field, SelectField } from "@/components/ui/field";
import { LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";
import { SubmitButton } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";
import { SecretOnce } from "@/components/ui/secret-once";

const IDLE = { status: "idle" } as const;
const dateTime = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** The just-issued link: shown once, with copy and revoke. */
function IssuedLinkBox({ link }: { link: IssuedLink }) {
  return (
    <div className="flex flex-col gap-2">
      <SecretOnce
        label="Onboarding link"
        value={link.url}
        note={`Send this link to the seller. It works until ${dateTime(link.expiresAt)} and is shown only now.`}
      />
      <RevokeLinkButton linkId={link.linkId} label="Revoke this link" />
    </div>
  );
}

function StateMessage({ state }: { state: ActionState<unknown> }) {
  if (state.status === "error") return <Alert tone="error">{state.message}</Alert>;
  if (state.status === "ok") return <Alert tone="success">{state.message}</Alert>;
  return null;
}

export function CreateSellerForm() {
  const [state, action] = useActionState<ActionState<IssuedLink>, FormData>(createSellerAction, IDLE);
  const fieldError = (name: string) => (state.status === "error" ? state.fieldErrors?.[name] : undefined);
  return (
    <section aria-labelledby="create-seller" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="create-seller" className="text-lg font-semibold">
        New seller and onboarding link
      </h2>
      <form action={action} className="mt-3 grid gap-3 sm:grid-cols-3">
        <Field label="Name" name="name" required maxLength={200} error={fieldError("name")} />
        <Field label="E-mail (optional)" name="email" type="email" maxLength={254} error={fieldError("email")} />
        <Field
          label="External id (optional)"
          name="externalId"
          maxLength={200}
          hint="Your marketplace's id; an existing seller with it gets a new link."
          error={fieldError("externalId")}
        />
        <SelectField
          label="Seller's language"
          name="locale"
          defaultValue=""
          options={[
            { value: "", label: "The seller's browser decides" },
            ...LOCALES.map((l) => ({ value: l, label: LOCALE_NAMES[l] })),
          ]}
          error={fieldError("locale")}
        />
        <div className="sm:col-span-3">
          <SubmitButton pendingLabel="Creating…">Create seller and link</SubmitButton>
        </div>
      </form>
      <div className="mt-3 flex flex-col gap-3" aria-live="polite">
        <StateMessage state={state} />
        {state.status === "ok" && state.data && <IssuedLinkBox link={state.data} />}
      </div>
    </section>
  );
}

export function IssueLinkButton({ sellerId, sellerName }: { sellerId: string; sellerName: string }) {
  const [state, action] = useActionState<ActionState<IssuedLink>, FormData>(
    // Not the previous state: it holds the shown-once link, which need not travel back to the server.
    (_previous, formData) => issueLinkAction(null, formData),
    IDLE,
  );
  return (
    <div className="flex flex-col gap-2">
      <form action={action}>
        <input type="hidden" name="sellerId" value={sellerId} />
        <SubmitButton variant="secondary" pendingLabel="Issuing…">
          New link<span className="sr-only"> for {sellerName}</span>
        </SubmitButton>
      </form>
      {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
      {state.status === "ok" && state.data && <IssuedLinkBox link={state.data} />}
    </div>
  );
}

export function RevokeLinkButton({ linkId, label = "Revoke" }: { linkId: string; label?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(
    (_previous, formData) => revokeLinkAction(null, formData),
    IDLE,
  );
  return (
    <div className="flex flex-col gap-2">
      {state.status !== "ok" && (
        <form action={action}>
          <input type="hidden" name="linkId" value={linkId} />
          <SubmitButton variant="danger" pendingLabel="Revoking…">
            {label}
          </SubmitButton>
        </form>
      )}
      <StateMessage state={state} />
    </div>
  );
}
