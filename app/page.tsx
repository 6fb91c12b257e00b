import Link from "next/link";

export default function HomePage() {
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-16 sm:py-24">
      <h1 className="text-3xl font-semibold tracking-tight">Seller onboarding</h1>
      <p className="mt-4 text-lg text-slate-700">
        This service connects sellers&apos; Noon accounts to our marketplace and keeps our connections to Noyo, Inyo,
        Nuvy and other partner APIs healthy.
      </p>
      <ul className="mt-8 space-y-3 text-slate-700">
        <li>
          <strong className="font-semibold text-slate-900">Sellers</strong> open the onboarding link they were sent and
          click <em>Connect Noon account</em>.
        </li>
        <li>
          <strong className="font-semibold text-slate-900">Operations and support staff</strong> sign in to the
          dashboard.
        </li>
      </ul>
      <p className="mt-10">
        <Link
          href="/admin"
          className="inline-flex items-center rounded-md bg-brand-700 px-4 py-2.5 font-medium text-white hover:bg-brand-800"
        >
          Staff sign-in
        </Link>
      </p>
    </main>
  );
}
