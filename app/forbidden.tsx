import Link from "next/link";

export default function Forbidden() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="mt-3 text-slate-700">
        Your role does not give access to this page. If you need it, ask an admin to change your role.
      </p>
      <p className="mt-6">
        <Link href="/admin" className="font-medium text-brand-700 underline">
          Back to the dashboard
        </Link>
      </p>
    </main>
  );
}
