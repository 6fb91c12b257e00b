// Noyo simulator: the token endpoint of accounts.noyo.com and the `GET /api/v1/groups` check of
// fulfillment(-sandbox).noyo.com on one loopback server, as documented in
// docs/providers/noyo-authentication.txt. Errors are gRPC-gateway bodies
// (`{code, message, details}`); the auth ones are the documented code-16 bodies verbatim.
import {
  defaultSimClient,
  defineCcSimulator,
  listenCc,
  mediaType,
  positiveSeconds,
  readBasicTokenRequest,
  type CcSimulator,
  type CcSimulatorOptions,
  type ListenOptions,
  type SimClient,
  type StartedCcSimulator,
} from "../client-credentials/index";

export const NOYO_TOKEN_PATH = "/auth/public/token";
export const NOYO_GROUPS_PATH = "/api/v1/groups";

/** The client a fresh Noyo simulator knows, `noyo-sim-client` / `noyo-sim-secret-not-for-production` (not a real credential). */
export const NOYO_DEFAULT_CLIENT: SimClient = defaultSimClient("noyo");

/** The documented example value of `expires_in`, returned whatever the token's real lifetime. */
export const NOYO_DOC_EXPIRES_IN = 864000;

export type NoyoEndpoint = "token" | "groups";
const ENDPOINTS: readonly NoyoEndpoint[] = ["token", "groups"];

/** Default client `NOYO_DEFAULT_CLIENT`, token lifetime 600 s (the documented 10 minutes). */
export type NoyoSimulatorOptions = CcSimulatorOptions & {
  /**
   * What `expires_in` says. Noyo's page contradicts itself (10 minutes; example 864000; "milliseconds"),
   * so by default the simulator answers the example's 864000 whatever the lifetime, and clients must
   * take the shortest reading. `"milliseconds"` / `"seconds"` give the real lifetime in that unit.
   */
  expiresIn?: "doc-example" | "milliseconds" | "seconds" | number;
};

export type NoyoSimulator = CcSimulator<NoyoEndpoint>;

/**
 * `tokenUrl` is `${url}/auth/public/token` (stands for https://accounts.noyo.com/auth/public/token);
 * `apiBaseUrl` stands for https://fulfillment(-sandbox).noyo.com.
 */
export type StartedNoyoSimulator = StartedCcSimulator<NoyoSimulator>;

const DEBUG_INFO_AUTH = { "@type": "type.googleapis.com/google.rpc.DebugInfo", stackEntries: [], detail: "auth" };

export const NOYO_MESSAGES = {
  missingCredentials: "JWT validation failed: Missing or invalid credentials",
  badSignature: "JWT validation failed: The JWT cannot be validated with any of the public keys.",
  expired: "JWT validation failed: TIME_CONSTRAINT_FAILURE",
} as const;

function authError(message: string): unknown {
  return { code: 16, message, details: [DEBUG_INFO_AUTH] };
}

// google.rpc.Code for the HTTP statuses a gRPC gateway maps them from.
const GRPC_CODE: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  405: 12,
  409: 10,
  413: 3,
  429: 8,
  500: 13,
  501: 12,
  502: 14,
  503: 14,
  504: 4,
};

function statusError(status: number, message: string): unknown {
  return { code: GRPC_CODE[status] ?? 2, message, details: [] };
}

function faultBody(status: number): unknown {
  if (status === 503) return statusError(503, "The service is unavailable: planned maintenance");
  if (status === 429) return statusError(429, "Too many requests");
  if (status === 401) return authError(NOYO_MESSAGES.missingCredentials);
  return statusError(status, status >= 500 ? "Internal error" : "Request failed");
}

const SANDBOX_GROUPS = {
  meta: { offset: 0, page_num: 1, page_size: 20, total_records: 1 },
  response: [
    {
      id: "5d0b974b-2ee1-4d42-bf81-6715079b6a29",
      version: "e3d63d18-b210-450a-bdda-fadba098e9c2",
      created: 1631553366,
      modified: 1631553366,
      organization_id: "95e591f8-102d-4df9-8e9f-24e5c9b77d56",
      name: "Your Sandbox Group Name",
      sic_code: "",
      dba_name: "",
      federal_ein: "",
    },
  ],
};

export function createNoyoSimulator(opts: NoyoSimulatorOptions = {}): NoyoSimulator {
  const lifetime = positiveSeconds(opts.tokenLifetimeSeconds, 600, "tokenLifetimeSeconds");
  const expiresInMode = opts.expiresIn ?? "doc-example";
  const expiresIn =
    typeof expiresInMode === "number"
      ? expiresInMode
      : expiresInMode === "milliseconds"
        ? lifetime * 1000
        : expiresInMode === "seconds"
          ? lifetime
          : NOYO_DOC_EXPIRES_IN;

  return defineCcSimulator({
    name: "noyo",
    endpoints: ENDPOINTS,
    defaultClient: NOYO_DEFAULT_CLIENT,
    clients: opts.clients,
    tokenLifetimeSeconds: lifetime,
    clock: opts.clock,
    notFoundBody: statusError(404, "Not Found"),
    token: {
      path: NOYO_TOKEN_PATH,
      faultBody,
      tooLargeBody: statusError(413, "request body too large"),
      methodNotAllowedBody: statusError(405, "Method Not Allowed"),
      read: readBasicTokenRequest,
      grant(req, { auth, raw }, clients) {
        if (auth.kind !== "ok" || !clients.authenticate(auth.clientId, auth.clientSecret)) {
          return { reason: "invalid_credentials", status: 401, body: authError(NOYO_MESSAGES.missingCredentials) };
        }
        if (mediaType(req) !== "application/json") {
          const body = statusError(400, "Content-Type must be application/json");
          return { reason: "unsupported_content_type", status: 400, body };
        }
        let body: unknown;
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          return { reason: "invalid_json", status: 400, body: statusError(400, "invalid JSON body") };
        }
        const grantType =
          typeof body === "object" && body !== null && !Array.isArray(body)
            ? (body as Record<string, unknown>).grant_type
            : undefined;
        if (grantType !== "client_credentials") {
          const answer = statusError(400, 'grant_type must be "client_credentials"');
          return { reason: "unsupported_grant_type", status: 400, body: answer };
        }
        return {
          clientId: auth.clientId,
          answer: (accessToken) => ({ access_token: accessToken, expires_in: expiresIn, token_type: "Bearer" }),
        };
      },
    },
    api: {
      endpoint: "groups",
      path: NOYO_GROUPS_PATH,
      faultBody,
      methodNotAllowedBody: statusError(405, "Method Not Allowed"),
      unauthorized: (why) => ({
        body: authError(
          why === "expired"
            ? NOYO_MESSAGES.expired
            : why === "invalid"
              ? NOYO_MESSAGES.badSignature
              : NOYO_MESSAGES.missingCredentials,
        ),
      }),
      forbidden: () => ({ body: statusError(403, "Permission denied") }),
      revokedReason: "revoked_client",
      answer: () => SANDBOX_GROUPS,
    },
  });
}

export async function startNoyoSimulator(
  opts: NoyoSimulatorOptions & ListenOptions = {},
): Promise<StartedNoyoSimulator> {
  return listenCc(createNoyoSimulator(opts), opts);
}
