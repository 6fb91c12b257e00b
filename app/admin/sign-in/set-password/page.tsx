import type { Metadata } from "next";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { SetPasswordForm } from "@/components/admin/set-password-form";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

// Reached through the one-time link an admin sends; the link's token is in the URL fragment.
export default function SetPasswordPage() {
  return (
    <main id="main" className="mx-auto flex min-h-[80vh] max-w-sm flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">Set your password</h1>
      <p className="mt-2 mb-6 text-slate-700">
        Choose the password for your staff account. The link you were sent works once.
      </p>
      <SetPasswordForm minLength={MIN_PASSWORD_LENGTH} />
    </main>
  );
}
