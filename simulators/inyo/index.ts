// Inyo simulator: `POST /oauth/token` with a JSON `{clientId, secretId}` body and one protected API
// call (`GET /v1/fx-rates`), as documented in docs/providers/inyo-authentication.txt,
// including the per-client rate limits (token endpoint 60/min, FX rates 200/min, rolling window).
// Only the 401 body is documented; the other error bodies reuse its shape with `SE_<status>` codes.
import { isRecord } from "../http";
import {
  defaultSimClient,
  defineCcSimulator,
  listenCc,
  mediaType,
  positiveSeconds,
  systemClock,
  type CcSimulator,
  type CcSimulatorOptions,
  type ListenOptions,
  type SimClient,
  type StartedCcSimulator,
} from "../client-credentials/index";
import { RollingWindowLimiter } from "./rate-limit";

export const INYO_TOKEN_PATH = "/oauth/token";
export const INYO_FX_RATES_PATH = "/v1/fx-rates";

/** The client a fresh Inyo simulator knows, `inyo-sim-client` / `inyo-sim-secret-not-for-production` (not a real credential). */
export const INYO_DEFAULT_CLIENT: SimClient = defaultSimClient("inyo");

export type InyoEndpoint = "token" | "fxRates";
const ENDPOINTS: readonly InyoEndpoint[] = ["token", "fxRates"];

/**
 * Default client `INYO_DEFAULT_CLIENT` (`clientSecret` is what the client sends as `secretId`); token lifetime
 * and `expiresIn` 3600 s.
 */
export type InyoSimulatorOptions = CcSimulatorOptions & {
  /** Token requests per client per rolling minute before 429; default 60. */
  tokenRateLimitPerMinute?: number;
  /** FX-rate calls per client per rolling minute before 429; default 200. */
  fxRatesRateLimitPerMinute?: number;
};

/** `reset()` also clears the rate-limit windows. */
export type InyoSimulator = CcSimulator<InyoEndpoint>;

/** `tokenUrl` is `${url}/oauth/token` (stands for https://{sandbox-gw|gw}.simpleps.com/oauth/token). */
export type StartedInyoSimulator = StartedCcSimulator<InyoSimulator>;

export const INYO_UNAUTHORIZED = { status: 401, message: "Unauthorized request", responseCode: "SE_001" } as const;

const MESSAGES: Record<number, string> = {
  400: "Bad request",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  413: "Payload too large",
  415: "Unsupported media type",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

function inyoError(status: number): unknown {
  if (status === 401) return INYO_UNAUTHORIZED;
  return { status, message: MESSAGES[status] ?? "Request failed", responseCode: `SE_${status}` };
}

const FX_RATES = {
  baseCurrency: "USD",
  rates: [
    { currency: "MXN", rate: 17.05 },
    { currency: "BRL", rate: 5.42 },
    { currency: "COP", rate: 3921.5 },
  ],
};

export function createInyoSimulator(opts: InyoSimulatorOptions = {}): InyoSimulator {
  const clock = opts.clock ?? systemClock;
  const lifetime = positiveSeconds(opts.tokenLifetimeSeconds, 3600, "tokenLifetimeSeconds");
  const tokenLimiter = new RollingWindowLimiter(opts.tokenRateLimitPerMinute ?? 60, 60_000, clock);
  const fxLimiter = new RollingWindowLimiter(opts.fxRatesRateLimitPerMinute ?? 200, 60_000, clock);
  const tooMany = (retryAfterSeconds: number) => ({
    reason: "rate_limited",
    status: 429,
    body: inyoError(429),
    headers: { "retry-after": String(retryAfterSeconds) },
  });

  return defineCcSimulator({
    name: "inyo",
    endpoints: ENDPOINTS,
    defaultClient: INYO_DEFAULT_CLIENT,
    clients: opts.clients,
    tokenLifetimeSeconds: lifetime,
    clock,
    notFoundBody: inyoError(404),
    token: {
      path: INYO_TOKEN_PATH,
      faultBody: inyoError,
      tooLargeBody: inyoError(413),
      methodNotAllowedBody: inyoError(405),
      // The client is named in the JSON body: `{clientId, secretId}`.
      read(_req, raw): { body: unknown; parsed: boolean; namedClient?: string } {
        let body: unknown;
        let parsed = true;
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          parsed = false;
        }
        const clientId =
          isRecord(body) && typeof body.clientId === "string" && body.clientId !== "" ? body.clientId : undefined;
        return { body, parsed, ...(clientId !== undefined ? { namedClient: clientId } : {}) };
      },
      grant(req, { body, parsed, namedClient: clientId }, clients) {
        if (mediaType(req) !== "application/json") {
          return { reason: "unsupported_content_type", status: 415, body: inyoError(415) };
        }
        if (!parsed || !isRecord(body)) return { reason: "invalid_json", status: 400, body: inyoError(400) };
        if (clientId !== undefined) {
          const decision = tokenLimiter.take(clientId);
          if (!decision.allowed) return tooMany(decision.retryAfterSeconds);
        }
        const secretId = typeof body.secretId === "string" ? body.secretId : undefined;
        if (clientId === undefined || secretId === undefined || !clients.authenticate(clientId, secretId)) {
          return { reason: "invalid_credentials", status: 401, body: INYO_UNAUTHORIZED };
        }
        return {
          clientId,
          answer: (accessToken) => ({ accessToken, tokenType: "Bearer", expiresIn: lifetime }),
        };
      },
    },
    api: {
      endpoint: "fxRates",
      path: INYO_FX_RATES_PATH,
      faultBody: inyoError,
      methodNotAllowedBody: inyoError(405),
      unauthorized: () => ({ body: INYO_UNAUTHORIZED }),
      forbidden: () => ({ body: inyoError(403) }),
      admit(clientId) {
        const decision = fxLimiter.take(clientId);
        return decision.allowed ? undefined : tooMany(decision.retryAfterSeconds);
      },
      answer: () => ({ ...FX_RATES, timestamp: new Date(clock()).toISOString() }),
    },
    // Rate-limit windows are cleared with the counters and faults.
    extraReset: () => {
      tokenLimiter.reset();
      fxLimiter.reset();
    },
  });
}

export async function startInyoSimulator(
  opts: InyoSimulatorOptions & ListenOptions = {},
): Promise<StartedInyoSimulator> {
  return listenCc(createInyoSimulator(opts), opts);
}
