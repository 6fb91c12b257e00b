import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { ConnectForm } from "@/components/seller/connect-form";
import { SellerPage } from "@/components/seller/seller-page";
import { readSellerSessionFromCookies } from "@/lib/noon/session";
import { authorizationResult } from "@/lib/noon/status";

export const dynamic = "force-dynamic";
export const metadata: Metadata = {
  title: "Noon connection",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
};

/** Where Noon's callback sends the seller: connected, declined or failed (with a reference for support). */
export default async function ResultPage({ params }: { params: Promise<{ reference: string }> }) {
  const { reference } = await params;
  const session = await readSellerSessionFromCookies();
  const result = await authorizationResult(reference, session?.sellerId ?? null);
  if (!result) {
    return (
      <SellerPage title="We cannot show this result">
        <p>
          This page only works in the browser that started the connection, for a short while. Open the onboarding link
          you were sent to see your current status.
        </p>
      </SellerPage>
    );
  }
  const referenceLine = (
    <p className="text-sm text-slate-600">
      Reference: <code className="rounded bg-slate-200 px-1.5 py-0.5 font-mono text-slate-900">{result.reference}</code>
    </p>
  );
  switch (result.outcome) {
    case "connected":
      return (
        <SellerPage title="Your Noon account is connected">
          <Alert tone="success" title="Connected">
            {result.projectCode ? (
              <>
                Project <strong>{result.projectCode}</strong> is now connected. You can close this page.
              </>
            ) : (
              "Your Noon project is now connected. You can close this page."
            )}
          </Alert>
          {result.keyStoragePending && <p>We are finishing saving the credential; nothing more is needed from you.</p>}
          {referenceLine}
        </SellerPage>
      );
    case "declined":
      return (
        <SellerPage title="The connection was not approved">
          <p>
            You chose not to approve the connection on Noon, so nothing was connected. You can try again at any time.
          </p>
          <ConnectForm label="Try again" />
          {referenceLine}
        </SellerPage>
      );
    case "expired":
      return (
        <SellerPage title="The connection request expired">
          <p>The connection took too long and was stopped. Nothing was connected. Please try again.</p>
          <ConnectForm label="Try again" />
          {referenceLine}
        </SellerPage>
      );
    case "in_progress":
      return (
        <SellerPage title="Still connecting">
          <p>We are still finishing the connection with Noon. Reload this page in a moment.</p>
          {referenceLine}
        </SellerPage>
      );
    default:
      return (
        <SellerPage title="The connection could not be completed">
          <Alert tone="error" title="Something went wrong">
            {result.reason}
          </Alert>
          <p>
            Nothing was connected. You can try again; if it keeps failing, contact support and quote the reference
            below.
          </p>
          <ConnectForm label="Try again" />
          {referenceLine}
        </SellerPage>
      );
  }
}
