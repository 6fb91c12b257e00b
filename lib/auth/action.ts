import "server-only";
import { unstable_rethrow } from "next/navigation";
import { ZodError } from "zod";
import type { Permission } from "@/lib/auth/permissions";
import { requireActionPermission, type StaffPrincipal } from "@/lib/auth/guard";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { errorAnswer } from "@/lib/http/api-error";
import { englishOf, isMessageKey, type MessageRef } from "@/lib/i18n/message-ref";

export type { MessageRef } from "@/lib/i18n/message-ref";

/**
 * What every staff server action returns to its form (never a secret other than a shown-once value). Texts
 * come by catalogue key (`i18n`, `fieldI18n`): the form shows them in the reader's language
 * (components/i18n/action-message.tsx); `message` and `fieldErrors` are the same texts in English.
 */
export type ActionState<T = undefined> =
  | { status: "idle" }
  | { status: "ok"; message: string; i18n?: MessageRef; data?: T }
  | {
      status: "error";
      code: AppErrorCode;
      message: string;
      i18n?: MessageRef;
      fieldErrors?: Record<string, string>;
      fieldI18n?: Record<string, MessageRef>;
    };

export const IDLE: ActionState<never> = { status: "idle" };

/** An expected failure of an action, told by catalogue key (its English text is the AppError's message). */
export class ActionFailure extends AppError {
  constructor(
    code: AppErrorCode,
    readonly ref: MessageRef,
    opts: { internal?: string; retryAfterSeconds?: number } = {},
  ) {
    super(code, englishOf(ref), opts);
  }
}

/** A success answer with its text by key. */
export function actionOk<T = undefined>(ref: MessageRef, data?: T): ActionState<T> {
  return { status: "ok", message: englishOf(ref), i18n: ref, ...(data === undefined ? {} : { data }) };
}

/** An error answer with its text by key (a failure the action reports rather than throws). */
export function actionError<T = undefined>(code: AppErrorCode, ref: MessageRef): ActionState<T> {
  return { status: "error", code, message: englishOf(ref), i18n: ref };
}

/** An AppError without a key of its own is told by its code (admin.serverErrors.code.*). */
function refOfAppError(error: AppError): MessageRef {
  if (error instanceof ActionFailure) return error.ref;
  if (error.i18n) return error.i18n as MessageRef;
  if (error.code === "RATE_LIMITED" && error.retryAfterSeconds !== undefined)
    return { key: "admin.serverErrors.rateLimitedFor", values: { seconds: error.retryAfterSeconds } };
  return { key: `admin.serverErrors.code.${error.code}` };
}

/**
 * A zod issue as a catalogue message: the schema's own message when it is a key (`messageKey("admin.…")`),
 * else the kind of problem and its limit (admin.serverErrors.field.*).
 */
function refOfIssue(issue: ZodError["issues"][number]): MessageRef {
  if (isMessageKey(issue.message)) return { key: issue.message };
  // A schema's own code (zod `params: { i18n, values }`, a full catalogue key) names the problem exactly.
  const params = (issue as { params?: { i18n?: unknown; values?: MessageRef["values"] } }).params;
  if (typeof params?.i18n === "string")
    return { key: params.i18n, ...(params.values ? { values: params.values } : {}) } as MessageRef;
  switch (issue.code) {
    case "too_small":
      if (issue.origin === "array" || issue.origin === "set")
        return { key: "admin.serverErrors.field.chooseAtLeast", values: { minimum: Number(issue.minimum) } };
      return Number(issue.minimum) <= 1
        ? { key: "admin.serverErrors.field.required" }
        : { key: "admin.serverErrors.field.tooShort", values: { minimum: Number(issue.minimum) } };
    case "too_big":
      return { key: "admin.serverErrors.field.tooLong", values: { maximum: Number(issue.maximum) } };
    case "invalid_format":
      return {
        key:
          issue.format === "email"
            ? "admin.serverErrors.field.email"
            : issue.format === "url"
              ? "admin.serverErrors.field.url"
              : "admin.serverErrors.field.format",
      };
    case "invalid_type":
      return {
        key:
          issue.input === undefined || issue.input === null
            ? "admin.serverErrors.field.required"
            : "admin.serverErrors.field.invalid",
      };
    case "invalid_value":
      return { key: "admin.serverErrors.field.choose" };
    default:
      return { key: "admin.serverErrors.field.invalid" };
  }
}

/**
 * Wraps a server action: checks the permission through the guard first, then maps expected failures
 * (AppError, invalid input) to an error state; Next's redirects and interrupts pass through. Log lines stay
 * in English.
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
    return errorState(error);
  }
}

// zod's own English messages ("Invalid email address", "Too big: expected …") are not a schema's text.
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too small|Too big|Unrecognized key)/;
function ownEnglishText(message: string): string | null {
  return !message || isMessageKey(message) || ZOD_DEFAULT_MESSAGE.test(message) ? null : message;
}

/**
 * An action's failure as the answer its form shows: an AppError by its key (or its code), invalid input by
 * field, anything else logged with a reference the answer quotes.
 */
export function errorState<T>(error: unknown): ActionState<T> {
  if (error instanceof AppError) {
    return { status: "error", code: error.code, message: error.userMessage, i18n: refOfAppError(error) };
  }
  if (error instanceof ZodError) {
    const fieldErrors: Record<string, string> = {};
    const fieldI18n: Record<string, MessageRef> = {};
    for (const issue of error.issues) {
      const path = issue.path.join(".");
      if (fieldI18n[path]) continue;
      fieldI18n[path] = refOfIssue(issue);
      // English keeps the schema's own, more specific text when it wrote one (not a key, not zod's default).
      fieldErrors[path] = ownEnglishText(issue.message) ?? englishOf(fieldI18n[path]);
    }
    const ref: MessageRef = { key: "admin.serverErrors.invalidInput" };
    return { status: "error", code: "BAD_REQUEST", message: englishOf(ref), i18n: ref, fieldErrors, fieldI18n };
  }
  // Logged with its reference by the one mapping (lib/http/api-error.ts); the form quotes the reference.
  const { reference = "" } = errorAnswer(error, { invalidInput: "", logAs: "server action failed" });
  const ref: MessageRef = { key: "admin.serverErrors.internal", values: { reference } };
  return { status: "error", code: "INTERNAL", message: englishOf(ref), i18n: ref };
}
