import type { Metadata } from "next";
import Link from "next/link";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { SetPasswordForm } from "@/components/admin/set-password-form";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  return (
    <main id="main" className="mx-auto flex min-h-[80vh] max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">Set your password</h1>
      {typeof token === "string" && token.length > 0 ? (
        <>
          <p className="mt-2 mb-6 text-slate-700">Choose the password for your staff account. This link works once.</p>
          <SetPasswordForm token={token} minLength={MIN_PASSWORD_LENGTH} />
        </>
      ) : (
        <p className="mt-2 text-slate-700">
          This page needs the link an admin sent you. <Link href="/admin/sign-in" className="text-brand-700 underline">Go to sign-in</Link>
        </p>
      )}
    </main>
  );
}
