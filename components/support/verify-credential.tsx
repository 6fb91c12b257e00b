"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { useTranslations } from "next-intl";
import { verifyCredentialAction } from "@/app/admin/credentials/actions";
import { SubmitButton } from "@/components/ui/submit-button";
import { ActionMessage } from "@/components/i18n/action-message";

/** "Verify credential": one login to Noon with the seller's stored key, run on the server. */
export function VerifyCredentialButton({ credentialId }: { credentialId: string }) {
  const [state, action] = useFormAction(verifyCredentialAction);
  const t = useTranslations("admin.support.verify");
  return (
    <div className="mt-3 flex flex-col gap-2">
      <form action={action}>
        <input type="hidden" name="credentialId" value={credentialId} />
        <SubmitButton variant="secondary" pendingLabel={t("pending")}>
          {t("submit")}
        </SubmitButton>
      </form>
      <div aria-live="polite" data-testid="verify-result">
        <ActionMessage state={state} />
      </div>
    </div>
  );
}
