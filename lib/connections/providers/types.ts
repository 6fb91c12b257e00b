// The shape every provider adapter has: one token request, its answer parsed with zod, every documented
// error turned into a message people can act on. Adapters store nothing; the broker owns caching.
import type { OutboundPolicy } from "@/lib/http/outbound";
import type { Result } from "@/lib/errors";
import { ConnectionProvider, type ConnectionEnvironment } from "@/lib/db/generated/enums";

/** The providers, as the database's ConnectionProvider enum lists them (prisma/schema.prisma). */
export type ProviderId = ConnectionProvider;
export const PROVIDER_IDS = Object.values(ConnectionProvider) as [ProviderId, ...ProviderId[]];
export type EnvironmentId = ConnectionEnvironment;
export type CredentialsIn = "basic" | "body";
export type BodyEncoding = "form" | "json";

/** What an adapter needs to ask for a token (never the secret: that is passed separately). */
export interface TokenRequestConfig {
  provider: ProviderId;
  tokenUrl: string;
  apiBaseUrl: string | null;
  clientId: string;
  scope: string | null;
  /** Standard OAuth2 only. */
  credentialsIn: CredentialsIn;
  bodyEncoding: BodyEncoding;
}

export interface ProviderToken {
  accessToken: string;
  tokenType: string;
  obtainedAt: Date;
  expiresAt: Date;
  httpStatus: number;
  latencyMs: number;
}

export type ProviderFailureKind =
  | "credentials" // the provider refused the client id/secret
  | "forbidden" // authenticated but not allowed (403)
  | "bad-request" // the provider refused the request's form (400)
  | "rate-limited" // 429
  | "unavailable" // 503 / 5xx
  | "bad-response" // 2xx whose body is not the documented answer
  | "unexpected" // another status
  | "network"
  | "timeout"
  | "unsafe-url"
  | "redirect";

/** An expected failure of a provider call. `message` is safe for pages and logs (no secret, no token). */
export class ProviderError extends Error {
  readonly kind: ProviderFailureKind;
  readonly httpStatus: number | undefined;
  /** From `Retry-After`, when the provider sent one. */
  readonly retryAfterMs: number | undefined;
  constructor(
    kind: ProviderFailureKind,
    message: string,
    opts: { httpStatus?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.httpStatus = opts.httpStatus;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /** Worth trying again after a pause (backoff), as opposed to a refusal that will not change by itself. */
  get transient(): boolean {
    return (
      this.kind === "rate-limited" || this.kind === "unavailable" || this.kind === "network" || this.kind === "timeout"
    );
  }
}

export interface FetchTokenOptions {
  now?: () => number;
  policy?: OutboundPolicy;
  timeoutMs?: number;
}

export interface ProviderCheck {
  /** e.g. "GET /api/v1/groups" */
  label: string;
  method: "GET";
  path: string;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly label: string;
  fetchToken(
    cfg: TokenRequestConfig,
    clientSecret: string,
    opts?: FetchTokenOptions,
  ): Promise<Result<ProviderToken, ProviderError>>;
  /** A documented read-only call that proves a token works (Noyo: GET /api/v1/groups). */
  readonly check?: ProviderCheck;
  /** A clear message for a failed API call made with a token (status + the provider's own error fields). */
  describeApiError(status: number, bodyText: string): string;
}
