import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { Permission } from "@/lib/auth/permissions";
import { requireActionPermission, type StaffPrincipal } from "@/lib/auth/guard";
import type { AppErrorCode } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/api-error";

/** What every staff server action returns to its form (never a secret other than a shown-once value). */
export type ActionState<T = undefined> =
  | { status: "idle" }
  | { status: "ok"; message: string; data?: T }
  | { status: "error"; code: AppErrorCode; message: string; fieldErrors?: Record<string, string> };

export const IDLE: ActionState<never> = { status: "idle" };

/**
 * Wraps a server action: checks the permission through the guard first, then maps expected failures
 * (AppError, invalid input) to an error state; Next's redirects and interrupts pass through.
 */
export async function runStaffAction<T>(
  permission: Permission,
  body: (staff: StaffPrincipal) => Promise<ActionState<T>>,
): Promise<ActionState<T>> {
  try {
    const staff = await requireActionPermission(permission);
    return await body(staff);
  } catch (error) {
    unstable_rethrow(error);
    const answer = errorAnswer(error, { invalidInput: "Check the highlighted fields.", logAs: "server action failed" });
    if (!answer.issues) return { status: "error", code: answer.code, message: answer.message };
    const fieldErrors: Record<string, string> = {};
    for (const issue of answer.issues) fieldErrors[issue.path] ??= issue.message;
    return { status: "error", code: answer.code, message: answer.message, fieldErrors };
  }
}
