import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-3 text-slate-700">There is nothing at this address. Check the link, or go back to the start.</p>
      <p className="mt-6">
        <Link href="/" className="font-medium text-brand-700 underline">
          Home
        </Link>
      </p>
    </main>
  );
}
