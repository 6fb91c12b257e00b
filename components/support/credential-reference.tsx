import { useFormatter, useTranslations } from "next-intl";
import type { CredentialSummary } from "@/lib/sellers";
import { Badge } from "@/components/ui/badge";
import { Ident } from "@/components/i18n/ident";

const STATUS_TONE = { ACTIVE: "success", SUPERSEDED: "neutral", PENDING_STORAGE: "warning" } as const;
const VERIFICATION_TONE = { OK: "success", REJECTED: "danger", UNREACHABLE: "warning", MISSING: "danger" } as const;

/** A Noon service-account credential by reference: where its private key lives, never the key. */
export function CredentialReference({ credential }: { credential: CredentialSummary }) {
  const t = useTranslations("admin.support.credential");
  const format = useFormatter();
  const when = (date: Date | null) => (date ? format.dateTime(date, "dateTimeZone") : "—");
  const result = credential.lastVerificationResult;
  return (
    <dl className="mt-2 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
      <dt className="text-slate-700">{t("state")}</dt>
      <dd>
        <Badge tone={STATUS_TONE[credential.status]}>{t(`status.${credential.status}`)}</Badge>
      </dd>
      <dt className="text-slate-700">{t("projectCode")}</dt>
      <dd>
        <Ident>{credential.projectCode}</Ident>
      </dd>
      <dt className="text-slate-700">{t("keyId")}</dt>
      <dd>
        <Ident className="break-all font-mono">{credential.keyId}</Ident>
      </dd>
      {credential.channelIdentifier && (
        <>
          <dt className="text-slate-700">{t("channel")}</dt>
          <dd>
            <Ident className="break-all font-mono">{credential.channelIdentifier}</Ident>
          </dd>
        </>
      )}
      <dt className="text-slate-700">{t("secretReference")}</dt>
      <dd data-testid="secret-reference">
        <Ident className="break-all font-mono">{credential.secretArn ?? credential.secretName}</Ident>
        {credential.secretVersionId && (
          <span className="block text-xs text-slate-700">
            {t.rich("version", {
              version: credential.secretVersionId,
              ident: (chunks) => <Ident className="break-all font-mono">{chunks}</Ident>,
            })}
          </span>
        )}
      </dd>
      <dt className="text-slate-700">{t("stored")}</dt>
      <dd>{when(credential.storedAt)}</dd>
      {credential.status === "ACTIVE" && (
        <>
          <dt className="text-slate-700">{t("verified")}</dt>
          <dd data-testid="verification">
            {result ? (
              <>
                <Badge tone={VERIFICATION_TONE[result]}>{t(`verification.${result}`)}</Badge>{" "}
                {when(credential.lastVerifiedAt)}
                {result !== "OK" && credential.lastVerificationMessage && (
                  <span lang="en" dir="ltr" className="block text-start text-xs text-slate-700">
                    {credential.lastVerificationMessage}
                  </span>
                )}
              </>
            ) : (
              t("notYet")
            )}
            {credential.nextVerificationAt && (
              <span className="block text-xs text-slate-700">
                {t("nextCheck", { date: when(credential.nextVerificationAt) })}
              </span>
            )}
          </dd>
        </>
      )}
      {credential.supersededAt && (
        <>
          <dt className="text-slate-700">{t("superseded")}</dt>
          <dd>{when(credential.supersededAt)}</dd>
        </>
      )}
    </dl>
  );
}
