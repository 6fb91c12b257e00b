import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { Role } from "@/lib/auth/permissions";
import { dummyVerify, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";
import { clearAfterSuccess, reserveSignInAttempt } from "@/lib/auth/throttle";
import { err, ok, type Result } from "@/lib/errors";

export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});

export interface SignedInStaff {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  sessionVersion: number;
}

export type SignInFailure = { reason: "invalid" } | { reason: "locked"; retryAfterSeconds: number };

export interface SignInOptions {
  /** The clock the throttle counts with (tests). */
  now?: () => Date;
  /** The password check (tests count how many run). */
  verify?: (password: string, stored: string) => Promise<boolean>;
}

/**
 * Checks an e-mail and password against `staff_users`. The attempt is counted first (lib/auth/throttle.ts):
 * one that must wait is refused before any password is checked, so no burst gets more checks than the
 * throttle allows. Unknown addresses cost as much time as wrong passwords; every outcome is audited; a
 * hash made with older scrypt parameters is replaced by a current one.
 */
export async function authenticateStaff({
  credentials: input,
  ip,
  ...opts
}: SignInOptions & { credentials: unknown; ip: string | null }): Promise<Result<SignedInStaff, SignInFailure>> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return err({ reason: "invalid" });
  const { email, password } = parsed.data;
  const verify = opts.verify ?? verifyPassword;
  const audit = (
    outcome: "success" | "failure" | "denied",
    reason: string,
    staffId?: string,
    extra: Record<string, unknown> = {},
  ) =>
    recordAudit({
      actor: staffId ? { type: "staff", id: staffId, label: email } : { type: "anonymous", label: email },
      action: "staff.sign_in",
      target: staffId ? { type: "staff", id: staffId } : undefined,
      ip,
      outcome,
      details: { method: "password", reason, ...extra },
    });

  const attempt = await reserveSignInAttempt({ email, ip, now: opts.now?.() });
  if (!attempt.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
    await audit("denied", "throttled", undefined, { retryAfterSeconds });
    return err({ reason: "locked", retryAfterSeconds });
  }

  const staff = await db().staffUser.findUnique({ where: { email }, omit: { passwordHash: false } });
  if (!staff?.passwordHash) {
    await (opts.verify ? opts.verify(password, "") : dummyVerify(password));
    await audit("failure", staff ? "no_password" : "unknown_account", staff?.id);
    return err({ reason: "invalid" });
  }
  const valid = await verify(password, staff.passwordHash);
  if (!valid || staff.disabledAt) {
    await audit("failure", valid ? "disabled" : "wrong_password", staff.id);
    return err({ reason: "invalid" });
  }
  await clearAfterSuccess(email, ip);
  // Transparent upgrade: only if nobody changed the hash meanwhile.
  const rehash = needsRehash(staff.passwordHash) ? await hashPassword(password) : null;
  if (rehash)
    await db().staffUser.updateMany({
      where: { id: staff.id, passwordHash: staff.passwordHash },
      data: { passwordHash: rehash },
    });
  await db().staffUser.update({ where: { id: staff.id }, data: { lastSignInAt: new Date() } });
  await audit("success", "ok", staff.id, rehash ? { rehashed: true } : {});
  return ok({
    id: staff.id,
    email: staff.email,
    name: staff.name,
    role: staff.role,
    sessionVersion: staff.sessionVersion,
  });
}
