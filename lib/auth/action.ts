import "server-only";
import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import type { Permission } from "@/lib/auth/permissions";
import { requireActionPermission, type StaffPrincipal } from "@/lib/auth/guard";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { log } from "@/lib/log";

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
    if (error instanceof AppError) return { status: "error", code: error.code, message: error.userMessage };
    if (error instanceof ZodError) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of error.issues) fieldErrors[issue.path.join(".")] ??= issue.message;
      return { status: "error", code: "BAD_REQUEST", message: "Check the highlighted fields.", fieldErrors };
    }
    const reference = crypto.randomUUID();
    log().error({ reference, err: error instanceof Error ? error.message : String(error) }, "server action failed");
    return { status: "error", code: "INTERNAL", message: `Something went wrong on our side. Reference: ${reference}` };
  }
}
