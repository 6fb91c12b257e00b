import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Seller onboarding", template: "%s · Seller onboarding" },
  description: "Connect marketplace sellers' Noon accounts and manage provider connections.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// Every page is rendered per request, so Next can put this request's CSP nonce on its scripts
// (a prerendered page would carry scripts without a nonce, which the policy blocks).
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
