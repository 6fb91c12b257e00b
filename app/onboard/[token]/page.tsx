import type { Metadata } from "next";
import { useTranslations } from "next-intl";
import { getTranslations } from "next-intl/server";
import { Alert } from "@/components/ui/alert";
import { ConnectForm } from "@/components/seller/connect-form";
import { ConnectionList } from "@/components/seller/connection-list";
import { SellerPage } from "@/components/seller/seller-page";
import { config } from "@/lib/config/env";
import { readSellerSessionFromCookies } from "@/lib/noon/session";
import { sellerConnectionStatus, type SellerConnectionStatus } from "@/lib/noon/status";
import { resolveOnboardingLink } from "@/lib/sellers";

export const dynamic = "force-dynamic";

// The link token is in this page's URL: never send it anywhere as a Referer, never index it.
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("seller.onboard");
  return { title: t("metaTitle"), referrer: "no-referrer", robots: { index: false, follow: false } };
}

function YourConnections({ status }: { status: SellerConnectionStatus }) {
  const t = useTranslations("seller.onboard");
  return (
    <section aria-labelledby="status-heading" className="space-y-3">
      <h2 id="status-heading" className="text-lg font-semibold text-slate-900">
        {t("connectionsHeading")}
      </h2>
      <ConnectionList status={status} />
    </section>
  );
}

export default async function OnboardPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [link, t] = await Promise.all([resolveOnboardingLink(token, { touch: true }), getTranslations("seller")]);
  if (!link.ok) {
    // The browser that connected (its session names this seller) still sees its connections.
    const session = link.reason === "used" ? await readSellerSessionFromCookies() : null;
    const ownStatus =
      link.reason === "used" && session?.sellerId === link.sellerId
        ? await sellerConnectionStatus(link.sellerId)
        : null;
    return (
      <SellerPage title={t(`linkProblem.${link.reason}.title`)}>
        <p>{t(`linkProblem.${link.reason}.text`)}</p>
        {ownStatus && <YourConnections status={ownStatus} />}
      </SellerPage>
    );
  }
  const status = await sellerConnectionStatus(link.seller.id);
  const { connected } = status;
  const noonConfigured = config().noon !== null;
  return (
    <SellerPage
      // The seller's name is isolated: a Latin name inside Arabic text (or the reverse) keeps its order.
      title={t.rich("onboard.welcome", { name: link.seller.name, bdi: (chunks) => <bdi>{chunks}</bdi> })}
    >
      <p>{t("onboard.intro")}</p>
      <YourConnections status={status} />
      {noonConfigured ? (
        <div className="space-y-2">
          <ConnectForm linkToken={token} label={connected ? t("onboard.connectAnother") : t("onboard.connect")} />
          {connected && <p className="text-sm text-slate-600">{t("onboard.connectAgainNote")}</p>}
        </div>
      ) : (
        <Alert tone="error" title={t("onboard.notConfiguredTitle")}>
          {t("onboard.notConfiguredText")}
        </Alert>
      )}
    </SellerPage>
  );
}
