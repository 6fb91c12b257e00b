// Nuvy simulator: `POST /oauth2/token` (Basic auth, form body, `grant_type=client_credentials`) as
// documented in docs/providers/nuvy-oauth2.txt, plus one protected call (`GET /v1/ping`).
// QA (qa.api.nuvy.ai) and production (prd.api.nuvy.ai) are the same server here. The page gives
// statuses only (400 bad/missing grant_type, 401 bad credentials); bodies follow RFC 6749 §5.2.
import {
  defaultSimClient,
  defineCcSimulator,
  listenCc,
  mediaType,
  oauthError,
  parseForm,
  positiveSeconds,
  readBasicTokenRequest,
  type CcSimulator,
  type CcSimulatorOptions,
  type ListenOptions,
  type SimClient,
  type StartedCcSimulator,
} from "../client-credentials/index";

export const NUVY_TOKEN_PATH = "/oauth2/token";
export const NUVY_PING_PATH = "/v1/ping";

/** The client a fresh Nuvy simulator knows, `nuvy-sim-client` / `nuvy-sim-secret-not-for-production` (not a real credential). */
export const NUVY_DEFAULT_CLIENT: SimClient = defaultSimClient("nuvy");

export type NuvyEndpoint = "token" | "ping";
const ENDPOINTS: readonly NuvyEndpoint[] = ["token", "ping"];

/** Default client `NUVY_DEFAULT_CLIENT`; token lifetime and `expires_in` 3600 s. */
export type NuvySimulatorOptions = CcSimulatorOptions;

export type NuvySimulator = CcSimulator<NuvyEndpoint>;

/** `tokenUrl` is `${url}/oauth2/token`: it stands for both the QA and the production token endpoint. */
export type StartedNuvySimulator = StartedCcSimulator<NuvySimulator>;

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
  const lifetime = positiveSeconds(opts.tokenLifetimeSeconds, 3600, "tokenLifetimeSeconds");
  return defineCcSimulator({
    name: "nuvy",
    endpoints: ENDPOINTS,
    defaultClient: NUVY_DEFAULT_CLIENT,
    clients: opts.clients,
    tokenLifetimeSeconds: lifetime,
    clock: opts.clock,
    notFoundBody: apiMessage(404),
    token: {
      path: NUVY_TOKEN_PATH,
      faultBody: tokenFaultBody,
      tooLargeBody: oauthError("invalid_request", "request body too large"),
      methodNotAllowedBody: oauthError("invalid_request", "method not allowed"),
      successHeaders: { pragma: "no-cache" },
      read: readBasicTokenRequest,
      grant(req, { auth, raw }, clients) {
        if (mediaType(req) !== "application/x-www-form-urlencoded") {
          const body = oauthError("invalid_request", "Content-Type must be application/x-www-form-urlencoded");
          return { reason: "unsupported_content_type", status: 400, body };
        }
        const form = parseForm(raw.toString("utf8"));
        if (form.duplicates.length > 0) {
          const body = oauthError("invalid_request", `parameter sent more than once: ${form.duplicates.join(", ")}`);
          return { reason: "duplicate_parameter", status: 400, body };
        }
        const grantType = form.params.get("grant_type");
        if (grantType === undefined || grantType === "") {
          return {
            reason: "missing_grant_type",
            status: 400,
            body: oauthError("invalid_request", "grant_type is required"),
          };
        }
        if (grantType !== "client_credentials") {
          return { reason: "unsupported_grant_type", status: 400, body: oauthError("unsupported_grant_type") };
        }
        if (auth.kind !== "ok" || !clients.authenticate(auth.clientId, auth.clientSecret)) {
          return { reason: "invalid_credentials", status: 401, body: oauthError("invalid_client") };
        }
        return {
          clientId: auth.clientId,
          answer: (accessToken) => ({ access_token: accessToken, token_type: "Bearer", expires_in: lifetime }),
        };
      },
    },
    api: {
      endpoint: "ping",
      path: NUVY_PING_PATH,
      faultBody: apiMessage,
      methodNotAllowedBody: apiMessage(405),
      unauthorized: (why) => ({
        body: why === "expired" ? { message: "The incoming token has expired" } : apiMessage(401),
      }),
      forbidden: () => ({ body: apiMessage(403) }),
      answer: (clientId) => ({ status: "ok", clientId }),
    },
  });
}

export async function startNuvySimulator(
  opts: NuvySimulatorOptions & ListenOptions = {},
): Promise<StartedNuvySimulator> {
  return listenCc(createNuvySimulator(opts), opts);
}
