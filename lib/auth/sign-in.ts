import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { Role } from "@/lib/auth/permissions";
import { dummyVerify, verifyPassword } from "@/lib/auth/password";
import { clearAccountThrottle, delayFor, recordSignInFailure, throttleState } from "@/lib/auth/throttle";
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

export type SignInFailure = "invalid" | "locked";

/**
 * Checks an e-mail and password against `staff_users`: locked-out accounts and addresses are refused
 * before any password check, every failure is counted, slowed and audited, and unknown addresses cost
 * as much time as wrong passwords.
 */
export async function authenticateStaff(input: unknown, ip: string | null): Promise<Result<SignedInStaff, SignInFailure>> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return err("invalid");
  const { email, password } = parsed.data;
  const audit = (outcome: "success" | "failure" | "denied", reason: string, staffId?: string) =>
    recordAudit({
      actor: staffId ? { type: "staff", id: staffId, label: email } : { type: "anonymous", label: email },
      action: "staff.sign_in",
      target: staffId ? { type: "staff", id: staffId } : undefined,
      ip,
      outcome,
      details: { method: "password", reason },
    });

  const state = await throttleState(email, ip);
  if (state.lockedUntil) {
    await audit("denied", "locked");
    return err("locked");
  }
  await sleep(delayFor(state));

  const staff = await db().staffUser.findUnique({ where: { email }, omit: { passwordHash: false } });
  if (!staff?.passwordHash) {
    await dummyVerify(password);
    await recordSignInFailure(email, ip);
    await audit("failure", staff ? "no_password" : "unknown_account", staff?.id);
    return err("invalid");
  }
  const valid = await verifyPassword(password, staff.passwordHash);
  if (!valid || staff.disabledAt) {
    await recordSignInFailure(email, ip);
    await audit("failure", valid ? "disabled" : "wrong_password", staff.id);
    return err("invalid");
  }
  await clearAccountThrottle(email);
  await db().staffUser.update({ where: { id: staff.id }, data: { lastSignInAt: new Date() } });
  await audit("success", "ok", staff.id);
  return ok({ id: staff.id, email: staff.email, name: staff.name, role: staff.role, sessionVersion: staff.sessionVersion });
}
