import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { ConnectForm } from "@/components/seller/connect-form";
import { ConnectionList } from "@/components/seller/connection-list";
import { SellerPage } from "@/components/seller/seller-page";
import { config } from "@/lib/config/env";
import { readSellerSessionFromCookies } from "@/lib/noon/session";
import { sellerConnectionStatus, type SellerConnectionStatus } from "@/lib/noon/status";
import { resolveOnboardingLink, type LinkRejection } from "@/lib/sellers";

export const dynamic = "force-dynamic";
// The link token is in this page's URL: never send it anywhere as a Referer, never index it.
export const metadata: Metadata = {
  title: "Connect your Noon account",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
};

const PROBLEMS: Record<LinkRejection, { title: string; text: string }> = {
  unknown: {
    title: "This link does not work",
    text: "We do not recognise this onboarding link. Check that you copied the whole link from the message you received, or ask the person who sent it for a new one.",
  },
  expired: {
    title: "This link has expired",
    text: "Onboarding links are valid for a limited time. Ask the person who sent it for a new link.",
  },
  revoked: {
    title: "This link is no longer valid",
    text: "This onboarding link was withdrawn. Ask the person who sent it for a new link.",
  },
  used: {
    title: "This link has already been used",
    text: "Your Noon account was connected through this link, so it no longer works and nobody else can use it. Nothing more is needed from you. To connect again or connect another account, ask the person who sent it for a new link.",
  },
};

function YourConnections({ status }: { status: SellerConnectionStatus }) {
  return (
    <section aria-labelledby="status-heading" className="space-y-3">
      <h2 id="status-heading" className="text-lg font-semibold text-slate-900">
        Your connections
      </h2>
      <ConnectionList status={status} />
    </section>
  );
}

export default async function OnboardPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await resolveOnboardingLink(token, { touch: true });
  if (!link.ok) {
    const problem = PROBLEMS[link.reason];
    // The browser that connected (its session names this seller) still sees its connections.
    const session = link.reason === "used" ? await readSellerSessionFromCookies() : null;
    const ownStatus =
      link.reason === "used" && session?.sellerId === link.sellerId
        ? await sellerConnectionStatus(link.sellerId)
        : null;
    return (
      <SellerPage title={problem.title}>
        <p>{problem.text}</p>
        {ownStatus && <YourConnections status={ownStatus} />}
      </SellerPage>
    );
  }
  const status = await sellerConnectionStatus(link.seller.id);
  const { connected } = status;
  const noonConfigured = config().noon !== null;
  return (
    <SellerPage title={`Welcome, ${link.seller.name}`}>
      <p>
        Connect your Noon account so we can work with your Noon project. You will be taken to Noon to approve the
        connection and then brought back here. We never see your Noon password.
      </p>
      <YourConnections status={status} />
      {noonConfigured ? (
        <div className="space-y-2">
          <ConnectForm linkToken={token} label={connected ? "Connect another Noon account" : "Connect Noon account"} />
          {connected && (
            <p className="text-sm text-slate-600">
              Connecting again creates a new credential; the previous one is kept as replaced.
            </p>
          )}
        </div>
      ) : (
        <Alert tone="error" title="Noon connections are not available yet">
          This service is not yet configured to connect Noon accounts. Please contact the team that sent you this link.
        </Alert>
      )}
    </SellerPage>
  );
}
