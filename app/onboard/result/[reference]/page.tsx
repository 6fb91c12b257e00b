import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Ident } from "@/components/i18n/ident";
import { Alert } from "@/components/ui/alert";
import { ConnectForm } from "@/components/seller/connect-form";
import { SellerPage } from "@/components/seller/seller-page";
import { readSellerSessionFromCookies } from "@/lib/noon/session";
import { authorizationResult } from "@/lib/noon/status";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("seller.result");
  return { title: t("metaTitle"), referrer: "no-referrer", robots: { index: false, follow: false } };
}

/** Where Noon's callback sends the seller: connected, declined or failed (with a reference for support). */
export default async function ResultPage({ params }: { params: Promise<{ reference: string }> }) {
  const { reference } = await params;
  const session = await readSellerSessionFromCookies();
  const [result, t, common] = await Promise.all([
    authorizationResult(reference, session?.sellerId ?? null),
    getTranslations("seller"),
    getTranslations("common"),
  ]);
  if (!result) {
    return (
      <SellerPage title={t("result.unavailable.title")}>
        <p>{t("result.unavailable.text")}</p>
      </SellerPage>
    );
  }
  const referenceLine = (
    <p className="text-sm text-slate-600">
      {common.rich("reference", {
        reference: result.reference,
        ident: (chunks) => <Ident code>{chunks}</Ident>,
      })}
    </p>
  );
  const projectCode = result.projectCode;
  switch (result.outcome) {
    case "connected":
      return (
        <SellerPage title={t("result.connected.title")}>
          <Alert tone="success" title={t("result.connected.alertTitle")}>
            {projectCode
              ? t.rich("result.connected.withProject", {
                  projectCode,
                  strong: (chunks) => (
                    <strong>
                      <Ident className="">{chunks}</Ident>
                    </strong>
                  ),
                })
              : t("result.connected.withoutProject")}
          </Alert>
          {result.keyStoragePending && <p>{t("result.connected.storagePending")}</p>}
          {referenceLine}
        </SellerPage>
      );
    case "declined":
      return (
        <SellerPage title={t("result.declined.title")}>
          <p>{t("result.declined.text")}</p>
          <ConnectForm label={t("result.tryAgain")} />
          {referenceLine}
        </SellerPage>
      );
    case "expired":
      return (
        <SellerPage title={t("result.expired.title")}>
          <p>{t("result.expired.text")}</p>
          <ConnectForm label={t("result.tryAgain")} />
          {referenceLine}
        </SellerPage>
      );
    case "in_progress":
      return (
        <SellerPage title={t("result.inProgress.title")}>
          <p>{t("result.inProgress.text")}</p>
          {referenceLine}
        </SellerPage>
      );
    default: {
      const failure = result.failure ?? { code: "unknown" as const, httpStatus: null };
      return (
        <SellerPage title={t("result.failed.title")}>
          <Alert tone="error" title={t("result.failed.alertTitle")}>
            {t(`failure.${failure.code}`)}
            {failure.httpStatus !== null && (
              <>
                {" "}
                {t.rich("failure.httpStatus", {
                  status: String(failure.httpStatus),
                  ident: (chunks) => <Ident className="">{chunks}</Ident>,
                })}
              </>
            )}
          </Alert>
          <p>{t("result.failed.text")}</p>
          <ConnectForm label={t("result.tryAgain")} />
          {referenceLine}
        </SellerPage>
      );
    }
  }
}
