import "server-only";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { recordAudit } from "@/lib/audit/record";
import type { StaffPrincipal } from "@/lib/auth/guard";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { passwordProblem } from "@/lib/auth/password-policy";
import { reserveSignInAttempt } from "@/lib/auth/throttle";
import { AppError, err, ok, type Result } from "@/lib/errors";
import { setPasswordUrl, signSetPasswordToken, verifySetPasswordToken } from "@/lib/staff/set-password-token";

// Staff members: invite (with a one-time set-password link), change role, disable, enable.
// Every change bumps session_version where it must end sessions, and is audited.

export interface StaffSummary {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  hasPassword: boolean;
}

export const roleSchema = z.enum(ROLES as [Role, ...Role[]]);

const actorOf = (by: StaffPrincipal) => ({ type: "staff" as const, id: by.id, label: by.email });

export async function listStaff(): Promise<StaffSummary[]> {
  const rows = await db().staffUser.findMany({
    orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { email: "asc" }],
    omit: { passwordHash: false },
  });
  return rows.map(({ passwordHash, sessionVersion: _sv, updatedAt: _u, ...rest }) => ({
    ...rest,
    hasPassword: passwordHash !== null,
  }));
}

export const inviteSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address.").max(254),
  name: z
    .string()
    .trim()
    .max(120)
    .nullish()
    .transform((v) => v || null),
  role: roleSchema,
});

/** Creates a staff member without a password and returns a link (valid 72 h, once) to set one. */
export async function inviteStaff(
  input: z.input<typeof inviteSchema>,
  by: StaffPrincipal,
): Promise<{ staffId: string; setPasswordLink: string }> {
  const data = inviteSchema.parse(input);
  const existing = await db().staffUser.findUnique({ where: { email: data.email }, select: { id: true } });
  if (existing)
    throw new AppError("CONFLICT", "A staff member with this e-mail address already exists.", {
      i18n: { key: "admin.staff.errors.emailTaken" },
    });
  const staff = await db().staffUser.create({
    data: { email: data.email, name: data.name, role: data.role },
    select: { id: true, sessionVersion: true },
  });
  await recordAudit({
    actor: actorOf(by),
    action: "staff.invited",
    target: { type: "staff", id: staff.id },
    ip: by.ip,
    details: { email: data.email, role: data.role },
  });
  return {
    staffId: staff.id,
    setPasswordLink: setPasswordUrl(await signSetPasswordToken(staff.id, staff.sessionVersion)),
  };
}

/** A fresh set-password link for an existing member (e.g. a forgotten password); the old password works until it is used. */
export async function issueSetPasswordLink(staffId: string, by: StaffPrincipal): Promise<string> {
  const staff = await db().staffUser.findUnique({
    where: { id: staffId },
    select: { id: true, sessionVersion: true, disabledAt: true },
  });
  if (!staff) throw new AppError("NOT_FOUND", "That staff member does not exist.");
  if (staff.disabledAt)
    throw new AppError("CONFLICT", "Enable this staff member first.", {
      i18n: { key: "admin.staff.errors.enableFirst" },
    });
  await recordAudit({
    actor: actorOf(by),
    action: "staff.password_link_issued",
    target: { type: "staff", id: staff.id },
    ip: by.ip,
  });
  return setPasswordUrl(await signSetPasswordToken(staff.id, staff.sessionVersion));
}

export type SetPasswordFailure = { kind: "invalid-link" } | { kind: "weak-password"; message: string };

/** Sets a password through a set-password link; the link then stops working and older sessions end. */
export async function setPasswordWithToken({
  token,
  password,
  ip,
}: {
  token: string;
  password: string;
  ip: string | null;
}): Promise<Result<{ email: string }, SetPasswordFailure>> {
  const claims = await verifySetPasswordToken(token);
  if (!claims) return err({ kind: "invalid-link" });
  const member = await db().staffUser.findUnique({
    where: { id: claims.staffId },
    select: { email: true, name: true },
  });
  if (!member) return err({ kind: "invalid-link" });
  const weak = passwordProblem(password, [member.email, member.name]);
  if (weak) return err({ kind: "weak-password", message: weak });
  const passwordHash = await hashPassword(password);
  const { count } = await db().staffUser.updateMany({
    where: { id: claims.staffId, sessionVersion: claims.sessionVersion, disabledAt: null },
    data: { passwordHash, passwordChangeRequired: false, sessionVersion: { increment: 1 } },
  });
  if (count !== 1) return err({ kind: "invalid-link" });
  const staff = await db().staffUser.findUniqueOrThrow({ where: { id: claims.staffId }, select: { email: true } });
  await recordAudit({
    actor: { type: "staff", id: claims.staffId, label: staff.email },
    action: "staff.password_set",
    target: { type: "staff", id: claims.staffId },
    ip,
  });
  return ok({ email: staff.email });
}

export type ChangePasswordFailure =
  | { kind: "wrong-current" }
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "weak-password"; message: string }
  | { kind: "same-password" }
  | { kind: "no-password" };

/**
 * A signed-in member changes their own password (and must, when `password_change_required` is set, as
 * for the bootstrap admin). The current password is checked under the sign-in throttle; the new one
 * must pass the password policy. Every session of theirs ends: they sign in again with the new one.
 */
export async function changeOwnPassword(
  by: Pick<StaffPrincipal, "id" | "email" | "ip">,
  input: { current: string; next: string },
): Promise<Result<{ email: string }, ChangePasswordFailure>> {
  const staff = await db().staffUser.findUnique({ where: { id: by.id }, omit: { passwordHash: false } });
  if (!staff?.passwordHash || staff.disabledAt) return err({ kind: "no-password" });
  const attempt = await reserveSignInAttempt({ email: staff.email, ip: by.ip });
  if (!attempt.allowed)
    return err({ kind: "throttled", retryAfterSeconds: Math.max(1, Math.ceil(attempt.retryAfterMs / 1000)) });
  if (!(await verifyPassword(input.current, staff.passwordHash))) {
    await recordAudit({
      actor: actorOf({ ...by, name: null, role: staff.role }),
      action: "staff.password_change_failed",
      target: { type: "staff", id: staff.id },
      ip: by.ip,
      outcome: "failure",
      details: { reason: "wrong_current_password" },
    });
    return err({ kind: "wrong-current" });
  }
  if (input.next === input.current) return err({ kind: "same-password" });
  const weak = passwordProblem(input.next, [staff.email, staff.name]);
  if (weak) return err({ kind: "weak-password", message: weak });
  const passwordHash = await hashPassword(input.next);
  const { count } = await db().staffUser.updateMany({
    where: { id: staff.id, passwordHash: staff.passwordHash },
    data: { passwordHash, passwordChangeRequired: false, sessionVersion: { increment: 1 } },
  });
  if (count !== 1) return err({ kind: "wrong-current" });
  await recordAudit({
    actor: actorOf({ ...by, name: null, role: staff.role }),
    action: "staff.password_changed",
    target: { type: "staff", id: staff.id },
    ip: by.ip,
    details: { wasRequired: staff.passwordChangeRequired },
  });
  return ok({ email: staff.email });
}

/** Refuses a change that would leave no active admin. */
async function assertAnotherActiveAdmin(staffId: string) {
  const others = await db().staffUser.count({ where: { role: "ADMIN", disabledAt: null, id: { not: staffId } } });
  if (others === 0)
    throw new AppError("CONFLICT", "This is the last active admin: make someone else an admin first.", {
      i18n: { key: "admin.staff.errors.lastAdmin" },
    });
}

/** Changes a member's role; their sessions end at once (they sign in again with the new role). */
export async function changeStaffRole(input: { staffId: string; role: Role }, by: StaffPrincipal): Promise<void> {
  const staff = await db().staffUser.findUnique({ where: { id: input.staffId }, select: { id: true, role: true } });
  if (!staff) throw new AppError("NOT_FOUND", "That staff member does not exist.");
  if (staff.role === input.role) return;
  if (staff.role === "ADMIN") await assertAnotherActiveAdmin(staff.id);
  await db().staffUser.update({
    where: { id: staff.id },
    data: { role: input.role, sessionVersion: { increment: 1 } },
  });
  await recordAudit({
    actor: actorOf(by),
    action: "staff.role_changed",
    target: { type: "staff", id: staff.id },
    ip: by.ip,
    details: { from: staff.role, to: input.role },
  });
}

/** Disables a member: they cannot sign in and every session of theirs ends at once. */
export async function disableStaff(staffId: string, by: StaffPrincipal): Promise<void> {
  if (staffId === by.id)
    throw new AppError("CONFLICT", "You cannot disable your own account.", {
      i18n: { key: "admin.staff.errors.disableSelf" },
    });
  const staff = await db().staffUser.findUnique({
    where: { id: staffId },
    select: { id: true, role: true, disabledAt: true },
  });
  if (!staff) throw new AppError("NOT_FOUND", "That staff member does not exist.");
  if (staff.disabledAt) return;
  if (staff.role === "ADMIN") await assertAnotherActiveAdmin(staff.id);
  await db().staffUser.update({
    where: { id: staff.id },
    data: { disabledAt: new Date(), sessionVersion: { increment: 1 } },
  });
  await recordAudit({
    actor: actorOf(by),
    action: "staff.disabled",
    target: { type: "staff", id: staff.id },
    ip: by.ip,
  });
}

export async function enableStaff(staffId: string, by: StaffPrincipal): Promise<void> {
  const { count } = await db().staffUser.updateMany({
    where: { id: staffId, disabledAt: { not: null } },
    data: { disabledAt: null },
  });
  if (count === 1)
    await recordAudit({
      actor: actorOf(by),
      action: "staff.enabled",
      target: { type: "staff", id: staffId },
      ip: by.ip,
    });
}
