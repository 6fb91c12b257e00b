// One error type for expected failures: a code, an internal message (logs) and a message for people.
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  | "UPSTREAM"
  | "UNAVAILABLE"
  | "INTERNAL";

const STATUS: Record<AppErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UPSTREAM: 502,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly status: number;
  /** RATE_LIMITED: seconds until a retry can succeed (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /** The userMessage as a catalogue code (messages/en.json), for pages in other languages (lib/auth/action.ts). */
  readonly i18n: { key: string; values?: Record<string, string | number> } | undefined;
  constructor(
    readonly code: AppErrorCode,
    /** Safe to show to the person who asked: says what happened and what to do. */
    readonly userMessage: string,
    opts: {
      internal?: string;
      cause?: unknown;
      retryAfterSeconds?: number;
      i18n?: { key: string; values?: Record<string, string | number> };
    } = {},
  ) {
    super(opts.internal ?? userMessage, { cause: opts.cause });
    this.name = "AppError";
    this.status = STATUS[code];
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.i18n = opts.i18n;
  }
}

export type Result<T, E = AppError> = { ok: true; data: T } | { ok: false; error: E };
export const ok = <T>(data: T): Result<T, never> => ({ ok: true, data });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
