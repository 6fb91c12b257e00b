import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { Permission } from "@/lib/auth/permissions";
import { requireActionPermission, type StaffPrincipal } from "@/lib/auth/guard";
import { ZodError } from "zod";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/api-error";

/**
 * A text for people from the catalogue (messages/en.json): its full key and ICU values. The form shows
 * `t(key, values)`; `message` stays the English text (tests, and the fallback for English pages).
 */
export interface MessageRef {
  key: string;
  values?: Record<string, string | number>;
}

/** What every staff server action returns to its form (never a secret other than a shown-once value). */
export type ActionState<T = undefined> =
  | { status: "idle" }
  | { status: "ok"; message: string; i18n?: MessageRef; data?: T }
  | {
      status: "error";
      code: AppErrorCode;
      message: string;
      i18n?: MessageRef;
      fieldErrors?: Record<string, string>;
      /** The field errors by code (zod issue kinds), for languages other than English. */
      fieldI18n?: Record<string, MessageRef>;
    };

/** A zod issue as a catalogue message (admin.layout.validation.*): the kind of problem and its limit. */
function issueRef(issue: ZodError["issues"][number]): MessageRef {
  const key = "admin.layout.validation.";
  // A schema's own code (params.i18n, a full catalogue key) names the problem exactly.
  const params = (issue as { params?: { i18n?: unknown; values?: MessageRef["values"] } }).params;
  if (typeof params?.i18n === "string")
    return { key: params.i18n, ...(params.values ? { values: params.values } : {}) };
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "array" || issue.origin === "set")
        return { key: `${key}chooseAtLeast`, values: { minimum: Number(issue.minimum) } };
      return issue.minimum === 1 || issue.minimum === 1n
        ? { key: `${key}required` }
        : { key: `${key}tooShort`, values: { minimum: Number(issue.minimum) } };
    case "too_big":
      return { key: `${key}tooLong`, values: { maximum: Number(issue.maximum) } };
    case "invalid_format":
      return { key: issue.format === "email" ? `${key}email` : issue.format === "url" ? `${key}url` : `${key}format` };
    case "invalid_type":
      return { key: issue.input === undefined || issue.input === null ? `${key}required` : `${key}invalid` };
    case "invalid_value":
      return { key: `${key}choose` };
    default:
      return { key: `${key}invalid` };
  }
}

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
    if (error instanceof AppError)
      return {
        status: "error",
        code: answer.code,
        message: answer.message,
        ...(error.i18n ? { i18n: error.i18n } : {}),
      };
    if (error instanceof ZodError && answer.issues) {
      const fieldErrors: Record<string, string> = {};
      const fieldI18n: Record<string, MessageRef> = {};
      for (const issue of answer.issues) fieldErrors[issue.path] ??= issue.message;
      for (const issue of error.issues) fieldI18n[issue.path.join(".")] ??= issueRef(issue);
      return {
        status: "error",
        code: answer.code,
        message: answer.message,
        i18n: { key: "admin.layout.action.invalid" },
        fieldErrors,
        fieldI18n,
      };
    }
    const reference = /Reference: (\S+)$/.exec(answer.message)?.[1];
    return {
      status: "error",
      code: answer.code,
      message: answer.message,
      ...(reference ? { i18n: { key: "admin.layout.action.internal", values: { reference } } } : {}),
    };
  }
}
