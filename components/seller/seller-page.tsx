/** The frame of every seller-facing page: narrow, readable on a 375 px phone, no third-party content. */
export function SellerPage({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-10 sm:py-16">
      <p className="text-sm font-medium uppercase tracking-wide text-slate-600">Seller onboarding</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight sm:text-3xl">{title}</h1>
      <div className="mt-6 space-y-6 text-slate-700">{children}</div>
    </main>
  );
}
