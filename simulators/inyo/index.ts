// Inyo simulator: `POST /oauth/token` with a JSON `{clientId, secretId}` body and one protected API
// call (`GET /v1/fx-rates`), as documented in docs/providers/inyo-authentication.txt,
// including the per-client rate limits (token endpoint 60/min, FX rates 200/min, rolling window).
// Only the 401 body is documented; the other error bodies reuse its shape with `SE_<status>` codes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isRecord, readBody, sendJson } from "../http";
import {
  BODY_LIMIT_BYTES,
  CcCounterSet,
  CcFaults,
  ClientRegistry,
  TokenSigner,
  assembleCcSimulator,
  clientFromJson,
  header,
  listenCc,
  mediaType,
  parseBearer,
  positiveSeconds,
  sendMalformedJson,
  systemClock,
  type CcSimulator,
  type Clock,
  type ListenOptions,
  type SimClient,
  type StartedCcSimulator,
} from "../oauth2/kit";
import { RollingWindowLimiter } from "./rate-limit";

export const INYO_TOKEN_PATH = "/oauth/token";
export const INYO_FX_RATES_PATH = "/v1/fx-rates";

/** The client a fresh Inyo simulator knows (dev prints it; not a real credential). */
export const INYO_DEFAULT_CLIENT: SimClient = {
  clientId: "inyo-sim-client",
  clientSecret: "inyo-sim-secret-not-for-production",
};

export type InyoEndpoint = "token" | "fxRates";
const ENDPOINTS: readonly InyoEndpoint[] = ["token", "fxRates"];

export type InyoSimulatorOptions = {
  /** Registered clients (`clientSecret` is what the client sends as `secretId`); default `[INYO_DEFAULT_CLIENT]`. */
  clients?: SimClient[];
  /** Token lifetime and `expiresIn` (seconds); default 3600. */
  tokenLifetimeSeconds?: number;
  /** Token requests per client per rolling minute before 429; default 60. */
  tokenRateLimitPerMinute?: number;
  /** FX-rate calls per client per rolling minute before 429; default 200. */
  fxRatesRateLimitPerMinute?: number;
  clock?: Clock;
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
  const clients = new ClientRegistry<SimClient>(opts.clients ?? [INYO_DEFAULT_CLIENT]);
  const signer = new TokenSigner("inyo", clock);
  const counters = new CcCounterSet<InyoEndpoint>();
  const faults = new CcFaults<InyoEndpoint>(ENDPOINTS);
  const tokenLimiter = new RollingWindowLimiter(opts.tokenRateLimitPerMinute ?? 60, 60_000, clock);
  const fxLimiter = new RollingWindowLimiter(opts.fxRatesRateLimitPerMinute ?? 200, 60_000, clock);
  const book = counters.book;

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    book.received("token");
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT_BYTES);
    } catch {
      book.rejected("token", "body_too_large");
      sendJson(res, 413, inyoError(413));
      return;
    }
    let body: unknown;
    let parsed = true;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      parsed = false;
    }
    const clientId =
      isRecord(body) && typeof body.clientId === "string" && body.clientId !== "" ? body.clientId : undefined;
    if (clientId !== undefined) counters.tokenRequests.add(clientId);
    if (await faults.intercept(req, res, "token", book, inyoError)) return;

    if (req.method !== "POST") {
      book.rejected("token", "method_not_allowed");
      sendJson(res, 405, inyoError(405), { allow: "POST" });
      return;
    }
    if (mediaType(req) !== "application/json") {
      book.rejected("token", "unsupported_content_type");
      sendJson(res, 415, inyoError(415));
      return;
    }
    if (!parsed || !isRecord(body)) {
      book.rejected("token", "invalid_json");
      sendJson(res, 400, inyoError(400));
      return;
    }
    if (clientId !== undefined) {
      const decision = tokenLimiter.take(clientId);
      if (!decision.allowed) {
        book.rejected("token", "rate_limited");
        sendJson(res, 429, inyoError(429), { "retry-after": String(decision.retryAfterSeconds) });
        return;
      }
    }
    const secretId = typeof body.secretId === "string" ? body.secretId : undefined;
    if (clientId === undefined || secretId === undefined || !clients.authenticate(clientId, secretId)) {
      book.rejected("token", "invalid_credentials");
      sendJson(res, 401, INYO_UNAUTHORIZED);
      return;
    }

    const issued = await signer.issue(clientId, lifetime);
    const answer = { accessToken: issued.token, tokenType: "Bearer", expiresIn: lifetime };
    counters.tokensIssued.add(clientId);
    book.succeeded("token");
    if (faults.takeMalformed("token")) sendMalformedJson(res, answer);
    else sendJson(res, 200, answer);
  }

  async function fxRates(req: IncomingMessage, res: ServerResponse): Promise<void> {
    book.received("fxRates");
    await readBody(req, BODY_LIMIT_BYTES).catch(() => Buffer.alloc(0));
    if (await faults.intercept(req, res, "fxRates", book, inyoError)) return;
    if (req.method !== "GET") {
      book.rejected("fxRates", "method_not_allowed");
      sendJson(res, 405, inyoError(405), { allow: "GET" });
      return;
    }
    const forced = faults.takeApiFault("fxRates");
    if (forced) {
      const status = forced === "unauthorized" ? 401 : 403;
      book.rejected("fxRates", `fault_${status}`);
      sendJson(res, status, inyoError(status));
      return;
    }
    const bearer = parseBearer(header(req, "authorization"));
    const check = bearer === undefined ? undefined : await signer.check(bearer);
    if (!check?.ok || !clients.get(check.clientId)) {
      const reason =
        check === undefined
          ? "missing_token"
          : !check.ok && check.reason === "expired"
            ? "expired_token"
            : "invalid_token";
      book.rejected("fxRates", reason);
      sendJson(res, 401, INYO_UNAUTHORIZED);
      return;
    }
    const decision = fxLimiter.take(check.clientId);
    if (!decision.allowed) {
      book.rejected("fxRates", "rate_limited");
      sendJson(res, 429, inyoError(429), { "retry-after": String(decision.retryAfterSeconds) });
      return;
    }
    counters.apiCalls.add(check.clientId);
    book.succeeded("fxRates");
    const answer = { ...FX_RATES, timestamp: new Date(clock()).toISOString() };
    if (faults.takeMalformed("fxRates")) sendMalformedJson(res, answer);
    else sendJson(res, 200, answer);
  }

  return assembleCcSimulator({
    clients,
    counters,
    faults,
    defaultClient: opts.clients?.[0] ?? INYO_DEFAULT_CLIENT,
    tokenPath: INYO_TOKEN_PATH,
    routes: { [INYO_TOKEN_PATH]: token, [INYO_FX_RATES_PATH]: fxRates },
    notFoundBody: inyoError(404),
    clientFromControl: clientFromJson,
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
