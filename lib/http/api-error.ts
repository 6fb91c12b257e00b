import "server-only";
import { ZodError } from "zod";
import { AppError, type AppErrorCode } from "@/lib/errors";
import { log } from "@/lib/log";

/** What a failure becomes for the person who asked: the status, a code, a message for people. */
export type ErrorAnswer = {
  status: number;
  code: AppErrorCode;
  message: string;
  /** RATE_LIMITED: seconds until a retry can succeed (sent as Retry-After). */
  retryAfterSeconds?: number;
  /** Invalid input: which field and what is wrong with it. */
  issues?: { path: string; message: string }[];
};

/**
 * The one mapping from an error to an answer (route handlers and server actions alike): an AppError
 * says its own message, invalid input names its fields, anything else is logged with a reference that
 * the answer quotes; internal messages never reach the person.
 */
export function errorAnswer(
  error: unknown,
  opts: { invalidInput: string; logAs: string } = {
    invalidInput: "The request body is not valid.",
    logAs: "unhandled API error",
  },
): ErrorAnswer {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.userMessage,
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return { status: 400, code: "BAD_REQUEST", message: opts.invalidInput, issues };
  }
  const reference = crypto.randomUUID();
  log().error(
    {
      reference,
      err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
    },
    opts.logAs,
  );
  return { status: 500, code: "INTERNAL", message: `Something went wrong on our side. Reference: ${reference}` };
}

/** Maps any error of a route handler to a JSON answer. */
export function handleApiError(error: unknown): Response {
  const answer = errorAnswer(error);
  const headers: Record<string, string> =
    answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) };
  return Response.json(
    { error: { code: answer.code, message: answer.message, ...(answer.issues ? { issues: answer.issues } : {}) } },
    { status: answer.status, headers },
  );
}
