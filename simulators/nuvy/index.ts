// Nuvy simulator: `POST /oauth2/token` (Basic auth, form body, `grant_type=client_credentials`) as
// documented in docs/providers/nuvy-oauth2.txt, plus one protected call (`GET /v1/ping`).
// QA (qa.api.nuvy.ai) and production (prd.api.nuvy.ai) are the same server here. The page gives
// statuses only (400 bad/missing grant_type, 401 bad credentials); bodies follow RFC 6749 §5.2.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../http";
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
  parseBasicAuth,
  parseBearer,
  parseForm,
  positiveSeconds,
  sendMalformedJson,
  systemClock,
  type CcSimulator,
  type Clock,
  type ListenOptions,
  type SimClient,
  type StartedCcSimulator,
} from "../oauth2/kit";

export const NUVY_TOKEN_PATH = "/oauth2/token";
export const NUVY_PING_PATH = "/v1/ping";

/** The client a fresh Nuvy simulator knows (dev prints it; not a real credential). */
export const NUVY_DEFAULT_CLIENT: SimClient = {
  clientId: "nuvy-sim-client",
  clientSecret: "nuvy-sim-secret-not-for-production",
};

export type NuvyEndpoint = "token" | "ping";
const ENDPOINTS: readonly NuvyEndpoint[] = ["token", "ping"];

export type NuvySimulatorOptions = {
  /** Registered clients; default `[NUVY_DEFAULT_CLIENT]`. */
  clients?: SimClient[];
  /** Token lifetime and `expires_in` (seconds); default 3600. */
  tokenLifetimeSeconds?: number;
  clock?: Clock;
};

export type NuvySimulator = CcSimulator<NuvyEndpoint>;

/** `tokenUrl` is `${url}/oauth2/token`: it stands for both the QA and the production token endpoint. */
export type StartedNuvySimulator = StartedCcSimulator<NuvySimulator>;

function oauthError(error: string, description?: string): unknown {
  return description === undefined ? { error } : { error, error_description: description };
}

function tokenFaultBody(status: number): unknown {
  if (status === 503) return oauthError("temporarily_unavailable");
  if (status === 429) return { message: "Too Many Requests" };
  return status >= 500 ? oauthError("server_error") : oauthError("invalid_request");
}

// The API answers like an API gateway with a token authorizer: `{ "message": … }`.
function apiMessage(status: number): unknown {
  const messages: Record<number, string> = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    503: "Service Unavailable",
  };
  return { message: messages[status] ?? "Internal server error" };
}

export function createNuvySimulator(opts: NuvySimulatorOptions = {}): NuvySimulator {
  const clock = opts.clock ?? systemClock;
  const lifetime = positiveSeconds(opts.tokenLifetimeSeconds, 3600, "tokenLifetimeSeconds");
  const clients = new ClientRegistry<SimClient>(opts.clients ?? [NUVY_DEFAULT_CLIENT]);
  const signer = new TokenSigner("nuvy", clock);
  const counters = new CcCounterSet<NuvyEndpoint>();
  const faults = new CcFaults<NuvyEndpoint>(ENDPOINTS);
  const book = counters.book;

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    book.received("token");
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT_BYTES);
    } catch {
      book.rejected("token", "body_too_large");
      sendJson(res, 413, oauthError("invalid_request", "request body too large"));
      return;
    }
    const auth = parseBasicAuth(header(req, "authorization"));
    if (auth.kind === "ok") counters.tokenRequests.add(auth.clientId);
    if (await faults.intercept(req, res, "token", book, tokenFaultBody)) return;

    if (req.method !== "POST") {
      book.rejected("token", "method_not_allowed");
      sendJson(res, 405, oauthError("invalid_request", "method not allowed"), { allow: "POST" });
      return;
    }
    if (mediaType(req) !== "application/x-www-form-urlencoded") {
      book.rejected("token", "unsupported_content_type");
      sendJson(res, 400, oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded"));
      return;
    }
    const form = parseForm(raw.toString("utf8"));
    if (form.duplicates.length > 0) {
      book.rejected("token", "duplicate_parameter");
      sendJson(res, 400, oauthError("invalid_request", `parameter sent more than once: ${form.duplicates.join(", ")}`));
      return;
    }
    const grantType = form.params.get("grant_type");
    if (grantType === undefined || grantType === "") {
      book.rejected("token", "missing_grant_type");
      sendJson(res, 400, oauthError("invalid_request", "grant_type is required"));
      return;
    }
    if (grantType !== "client_credentials") {
      book.rejected("token", "unsupported_grant_type");
      sendJson(res, 400, oauthError("unsupported_grant_type"));
      return;
    }
    if (auth.kind !== "ok" || !clients.authenticate(auth.clientId, auth.clientSecret)) {
      book.rejected("token", "invalid_credentials");
      sendJson(res, 401, oauthError("invalid_client"));
      return;
    }

    const issued = await signer.issue(auth.clientId, lifetime);
    const answer = { access_token: issued.token, token_type: "Bearer", expires_in: lifetime };
    counters.tokensIssued.add(auth.clientId);
    book.succeeded("token");
    if (faults.takeMalformed("token")) sendMalformedJson(res, answer);
    else sendJson(res, 200, answer, { pragma: "no-cache" });
  }

  async function ping(req: IncomingMessage, res: ServerResponse): Promise<void> {
    book.received("ping");
    await readBody(req, BODY_LIMIT_BYTES).catch(() => Buffer.alloc(0));
    if (await faults.intercept(req, res, "ping", book, apiMessage)) return;
    if (req.method !== "GET") {
      book.rejected("ping", "method_not_allowed");
      sendJson(res, 405, apiMessage(405), { allow: "GET" });
      return;
    }
    const forced = faults.takeApiFault("ping");
    if (forced) {
      const status = forced === "unauthorized" ? 401 : 403;
      book.rejected("ping", `fault_${status}`);
      sendJson(res, status, apiMessage(status));
      return;
    }
    const bearer = parseBearer(header(req, "authorization"));
    if (bearer === undefined) {
      book.rejected("ping", "missing_token");
      sendJson(res, 401, apiMessage(401));
      return;
    }
    const check = await signer.check(bearer);
    if (!check.ok || !clients.get(check.clientId)) {
      const expired = !check.ok && check.reason === "expired";
      book.rejected("ping", expired ? "expired_token" : "invalid_token");
      sendJson(res, 401, expired ? { message: "The incoming token has expired" } : apiMessage(401));
      return;
    }
    counters.apiCalls.add(check.clientId);
    book.succeeded("ping");
    const answer = { status: "ok", clientId: check.clientId };
    if (faults.takeMalformed("ping")) sendMalformedJson(res, answer);
    else sendJson(res, 200, answer);
  }

  return assembleCcSimulator({
    clients,
    counters,
    faults,
    defaultClient: opts.clients?.[0] ?? NUVY_DEFAULT_CLIENT,
    tokenPath: NUVY_TOKEN_PATH,
    routes: { [NUVY_TOKEN_PATH]: token, [NUVY_PING_PATH]: ping },
    notFoundBody: apiMessage(404),
    clientFromControl: clientFromJson,
  });
}

export async function startNuvySimulator(
  opts: NuvySimulatorOptions & ListenOptions = {},
): Promise<StartedNuvySimulator> {
  return listenCc(createNuvySimulator(opts), opts);
}
