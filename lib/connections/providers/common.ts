import "server-only";
// What the four adapters share: sending the token request under the outbound rules, reading JSON,
// mapping transport failures and computing a token's lifetime from everything the answer says.
import { decodeJwt } from "jose";
import type { z } from "zod";
import { err, ok, type Result } from "@/lib/errors";
import { OutboundError, outboundRequest, retryAfterMs, type OutboundResponse } from "@/lib/http/outbound";
import { ProviderError, type FetchTokenOptions, type ProviderFailureKind, type ProviderToken } from "./types";

export const TOKEN_TIMEOUT_MS = 10_000;

/** `Basic base64(id:secret)`; RFC 6749 §2.3.1 form-encodes both parts first (`formEncode`). */
export function basicAuthorization(clientId: string, clientSecret: string, formEncode = false): string {
  const enc = (v: string) => (formEncode ? encodeURIComponent(v).replace(/%20/g, "+") : v);
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`, "utf8").toString("base64")}`;
}

/** Short, single-line text from a provider's error field (never a whole body). */
export function clip(value: unknown, max = 200): string {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface RawAnswer extends OutboundResponse {
  json: unknown;
}

/** Sends one request; transport failures become ProviderErrors naming the provider. */
export async function send(
  provider: string,
  url: string,
  request: { method: "GET" | "POST"; headers: Record<string, string>; body?: string },
  opts: FetchTokenOptions = {},
): Promise<Result<RawAnswer, ProviderError>> {
  try {
    const res = await outboundRequest(url, { ...request, timeoutMs: opts.timeoutMs ?? TOKEN_TIMEOUT_MS }, opts.policy);
    return ok({ ...res, json: parseJson(res.text) });
  } catch (error) {
    if (error instanceof OutboundError) {
      const kind =
        error.kind === "timeout"
          ? "timeout"
          : error.kind === "unsafe-url"
            ? "unsafe-url"
            : error.kind === "redirect"
              ? "redirect"
              : "network";
      return err(new ProviderError(kind, `${provider}: ${error.message}`, { httpStatus: error.status, cause: error }));
    }
    throw error;
  }
}

/** The failure every provider shares for 429 and 5xx, with Retry-After honoured. */
export function throttledOrUnavailable(provider: string, answer: RawAnswer, detail: string): ProviderError | null {
  const wait = retryAfterMs(answer.headers["retry-after"]);
  const after = wait !== undefined ? `; retry after ${Math.ceil(wait / 1000)} s` : "";
  if (answer.status === 429) {
    return new ProviderError(
      "rate-limited",
      `${provider} is limiting requests (429${detail ? `, ${detail}` : ""}${after})`,
      {
        httpStatus: 429,
        retryAfterMs: wait,
      },
    );
  }
  if (answer.status === 503) {
    return new ProviderError("unavailable", `${provider} is unavailable (503${detail ? `, ${detail}` : ""}${after})`, {
      httpStatus: 503,
      retryAfterMs: wait,
    });
  }
  if (answer.status >= 500) {
    return new ProviderError(
      "unavailable",
      `${provider} had an internal error (${answer.status}${detail ? `, ${detail}` : ""})`,
      {
        httpStatus: answer.status,
        retryAfterMs: wait,
      },
    );
  }
  return null;
}

/** A 2xx answer that is not the documented token answer: names the fields, never echoes the body. */
export function badAnswer(provider: string, answer: RawAnswer, error?: z.ZodError): ProviderError {
  const what =
    answer.json === undefined
      ? "a body that is not JSON"
      : `a body that is not the documented token answer (${(error?.issues ?? [])
          .slice(0, 3)
          .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
          .join("; ")})`;
  return new ProviderError("bad-response", `${provider} answered ${answer.status} with ${what}`, {
    httpStatus: answer.status,
  });
}

/** The token's own JWT `exp` (ms since epoch), when the token is a JWT that has one. */
export function jwtExpiry(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A token's expiry: the shortest of every lifetime the answer states (ms from now) and the JWT's `exp`.
 * With nothing stated, `fallbackMs` (kept short on purpose).
 */
export function buildToken(
  accessToken: string,
  tokenType: string,
  statedLifetimesMs: Array<number | undefined>,
  answer: RawAnswer,
  now: number,
  fallbackMs = 5 * 60_000,
): ProviderToken {
  const candidates = statedLifetimesMs
    .filter((v): v is number => v !== undefined && Number.isFinite(v))
    .map((ms) => now + ms);
  const exp = jwtExpiry(accessToken);
  if (exp !== undefined) candidates.push(exp);
  const expiresAt = candidates.length > 0 ? Math.min(...candidates) : now + fallbackMs;
  return {
    accessToken,
    tokenType: tokenType.toLowerCase() === "bearer" ? "Bearer" : tokenType,
    obtainedAt: new Date(now),
    expiresAt: new Date(expiresAt),
    httpStatus: answer.status,
    latencyMs: answer.latencyMs,
  };
}

/** A token endpoint's own rules, handed to `requestToken`. */
export interface TokenExchange<T> {
  /** Names the provider in messages ("Noyo", "The OAuth2 server"). */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The documented 2xx answer. */
  answer: z.ZodType<T>;
  /** Every lifetime (ms) the parsed answer states; the shortest of these and the JWT's `exp` wins. */
  lifetimesMs(data: T): Array<number | undefined>;
  /** Turns the parsed answer into the token and its type. */
  token(data: T): { accessToken: string; tokenType: string };
  /** The detail shown with a 429 or 5xx. */
  throttledDetail(answer: RawAnswer): string;
  /** Statuses, besides 401 and 403, that mean the request itself was refused ("bad-request"). */
  badRequestStatuses: readonly number[];
  /** The message for any other failed status. */
  describe(status: number, json: unknown): string;
}

/**
 * POSTs a token request and reads the answer the way every adapter does: a 2xx must be the
 * documented answer; 429/5xx are throttling or unavailability (Retry-After honoured); 401 means the
 * credentials, 403 a refusal, `badRequestStatuses` a refused request, anything else is unexpected.
 */
export async function requestToken<T>(
  exchange: TokenExchange<T>,
  opts: FetchTokenOptions = {},
): Promise<Result<ProviderToken, ProviderError>> {
  const now = opts.now ?? Date.now;
  const sent = await send(
    exchange.provider,
    exchange.url,
    { method: "POST", headers: exchange.headers, body: exchange.body },
    opts,
  );
  if (!sent.ok) return sent;
  const answer = sent.data;
  if (answer.status >= 200 && answer.status < 300) {
    const parsed = exchange.answer.safeParse(answer.json);
    if (!parsed.success) return err(badAnswer(exchange.provider, answer, parsed.error));
    const { accessToken, tokenType } = exchange.token(parsed.data);
    return ok(buildToken(accessToken, tokenType, exchange.lifetimesMs(parsed.data), answer, now()));
  }
  const throttled = throttledOrUnavailable(exchange.provider, answer, exchange.throttledDetail(answer));
  if (throttled) return err(throttled);
  const kind: ProviderFailureKind =
    answer.status === 401
      ? "credentials"
      : answer.status === 403
        ? "forbidden"
        : exchange.badRequestStatuses.includes(answer.status)
          ? "bad-request"
          : "unexpected";
  return err(new ProviderError(kind, exchange.describe(answer.status, answer.json), { httpStatus: answer.status }));
}
