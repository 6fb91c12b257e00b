"use client";
import { useActionState } from "react";
import { verifyCredentialAction, type VerificationView } from "@/app/admin/credentials/actions";
import type { ActionState } from "@/lib/auth/action";
import { SubmitButton } from "@/components/ui/submit-button";
import { Alert } from "@/components/ui/alert";

const IDLE = { status: "idle" } as const;

/** "Verify credential": one login to Noon with the seller's stored key, run on the server. */
export function VerifyCredentialButton({ credentialId }: { credentialId: string }) {
  const [state, action] = useActionState<ActionState<VerificationView>, FormData>(verifyCredentialAction, IDLE);
  return (
    <div className="mt-3 flex flex-col gap-2">
      <form action={action}>
        <input type="hidden" name="credentialId" value={credentialId} />
        <SubmitButton variant="secondary" pendingLabel="Verifying with Noon…">
          Verify credential
        </SubmitButton>
      </form>
      <div aria-live="polite" data-testid="verify-result">
        {state.status === "ok" && <Alert tone="success">{state.message}</Alert>}
        {state.status === "error" && <Alert tone="error">{state.message}</Alert>}
      </div>
    </div>
  );
}
