import type { Metadata } from "next";
import { requireSignedIn } from "@/lib/auth/guard";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";
import { ChangePasswordForm } from "@/components/admin/change-password-form";
import { Alert } from "@/components/ui/alert";

export const metadata: Metadata = { title: "Change your password" };

// Any signed-in member; the one place a member who must choose a new password (the bootstrap admin at
// first sign-in) can reach until they have.
export default async function ChangePasswordPage() {
  const staff = await requireSignedIn();
  return (
    <div className="mx-auto max-w-sm py-6">
      <h1 className="text-2xl font-semibold tracking-tight">Change your password</h1>
      {staff.mustChangePassword ? (
        <div className="mt-4">
          <Alert tone="info">
            This account&apos;s password came from the server&apos;s configuration. Choose your own before you continue;
            you will then sign in again with it.
          </Alert>
        </div>
      ) : (
        <p className="mt-2 text-slate-700">
          You will sign in again with the new password, and your other sessions end.
        </p>
      )}
      <div className="mt-6">
        <ChangePasswordForm minLength={MIN_PASSWORD_LENGTH} />
      </div>
    </div>
  );
}
