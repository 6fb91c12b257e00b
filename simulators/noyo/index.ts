// Noyo simulator: the token endpoint of accounts.noyo.com and the `GET /api/v1/groups` check of
// fulfillment(-sandbox).noyo.com on one loopback server, as documented in
// docs/providers/noyo-authentication.txt. Errors are gRPC-gateway bodies
// (`{code, message, details}`); the auth ones are the documented code-16 bodies verbatim.
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
  positiveSeconds,
  sendMalformedJson,
  systemClock,
  type CcSimulator,
  type Clock,
  type ListenOptions,
  type SimClient,
  type StartedCcSimulator,
} from "../oauth2/kit";

export const NOYO_TOKEN_PATH = "/auth/public/token";
export const NOYO_GROUPS_PATH = "/api/v1/groups";

/** The client a fresh Noyo simulator knows (dev prints it; not a real credential). */
export const NOYO_DEFAULT_CLIENT: SimClient = {
  clientId: "noyo-sim-client",
  clientSecret: "noyo-sim-secret-not-for-production",
};

/** The documented example value of `expires_in`, returned whatever the token's real lifetime. */
export const NOYO_DOC_EXPIRES_IN = 864000;

export type NoyoEndpoint = "token" | "groups";
const ENDPOINTS: readonly NoyoEndpoint[] = ["token", "groups"];

export type NoyoSimulatorOptions = {
  /** Registered clients; default `[NOYO_DEFAULT_CLIENT]`. */
  clients?: SimClient[];
  /** Real lifetime of issued tokens (their JWT `exp`); default 600 (the documented 10 minutes). */
  tokenLifetimeSeconds?: number;
  /**
   * What `expires_in` says. Noyo's page contradicts itself (10 minutes; example 864000; "milliseconds"),
   * so by default the simulator answers the example's 864000 whatever the lifetime, and clients must
   * take the shortest reading. `"milliseconds"` / `"seconds"` give the real lifetime in that unit.
   */
  expiresIn?: "doc-example" | "milliseconds" | "seconds" | number;
  clock?: Clock;
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
  const clock = opts.clock ?? systemClock;
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
  const clients = new ClientRegistry<SimClient>(opts.clients ?? [NOYO_DEFAULT_CLIENT]);
  const signer = new TokenSigner("noyo", clock);
  const counters = new CcCounterSet<NoyoEndpoint>();
  const faults = new CcFaults<NoyoEndpoint>(ENDPOINTS);
  const book = counters.book;

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    book.received("token");
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT_BYTES);
    } catch {
      book.rejected("token", "body_too_large");
      sendJson(res, 413, statusError(413, "request body too large"));
      return;
    }
    const auth = parseBasicAuth(header(req, "authorization"));
    if (auth.kind === "ok") counters.tokenRequests.add(auth.clientId);
    if (await faults.intercept(req, res, "token", book, faultBody)) return;

    if (req.method !== "POST") {
      book.rejected("token", "method_not_allowed");
      sendJson(res, 405, statusError(405, "Method Not Allowed"), { allow: "POST" });
      return;
    }
    if (auth.kind !== "ok" || !clients.authenticate(auth.clientId, auth.clientSecret)) {
      book.rejected("token", "invalid_credentials");
      sendJson(res, 401, authError(NOYO_MESSAGES.missingCredentials));
      return;
    }
    if (mediaType(req) !== "application/json") {
      book.rejected("token", "unsupported_content_type");
      sendJson(res, 400, statusError(400, "Content-Type must be application/json"));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      book.rejected("token", "invalid_json");
      sendJson(res, 400, statusError(400, "invalid JSON body"));
      return;
    }
    const grantType =
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>).grant_type
        : undefined;
    if (grantType !== "client_credentials") {
      book.rejected("token", "unsupported_grant_type");
      sendJson(res, 400, statusError(400, 'grant_type must be "client_credentials"'));
      return;
    }

    const issued = await signer.issue(auth.clientId, lifetime);
    const answer = { access_token: issued.token, expires_in: expiresIn, token_type: "Bearer" };
    counters.tokensIssued.add(auth.clientId);
    book.succeeded("token");
    if (faults.takeMalformed("token")) sendMalformedJson(res, answer);
    else sendJson(res, 200, answer);
  }

  async function groups(req: IncomingMessage, res: ServerResponse): Promise<void> {
    book.received("groups");
    await readBody(req, BODY_LIMIT_BYTES).catch(() => Buffer.alloc(0));
    if (await faults.intercept(req, res, "groups", book, faultBody)) return;
    if (req.method !== "GET") {
      book.rejected("groups", "method_not_allowed");
      sendJson(res, 405, statusError(405, "Method Not Allowed"), { allow: "GET" });
      return;
    }
    const forced = faults.takeApiFault("groups");
    if (forced === "unauthorized") {
      book.rejected("groups", "fault_401");
      sendJson(res, 401, authError(NOYO_MESSAGES.missingCredentials));
      return;
    }
    if (forced === "forbidden") {
      book.rejected("groups", "fault_403");
      sendJson(res, 403, statusError(403, "Permission denied"));
      return;
    }
    const bearer = parseBearer(header(req, "authorization"));
    if (bearer === undefined) {
      book.rejected("groups", "missing_token");
      sendJson(res, 401, authError(NOYO_MESSAGES.missingCredentials));
      return;
    }
    const check = await signer.check(bearer);
    if (!check.ok) {
      book.rejected("groups", check.reason === "expired" ? "expired_token" : "invalid_token");
      sendJson(res, 401, authError(check.reason === "expired" ? NOYO_MESSAGES.expired : NOYO_MESSAGES.badSignature));
      return;
    }
    if (!clients.get(check.clientId)) {
      book.rejected("groups", "revoked_client");
      sendJson(res, 401, authError(NOYO_MESSAGES.missingCredentials));
      return;
    }
    counters.apiCalls.add(check.clientId);
    book.succeeded("groups");
    if (faults.takeMalformed("groups")) sendMalformedJson(res, SANDBOX_GROUPS);
    else sendJson(res, 200, SANDBOX_GROUPS);
  }

  return assembleCcSimulator({
    clients,
    counters,
    faults,
    defaultClient: opts.clients?.[0] ?? NOYO_DEFAULT_CLIENT,
    tokenPath: NOYO_TOKEN_PATH,
    routes: { [NOYO_TOKEN_PATH]: token, [NOYO_GROUPS_PATH]: groups },
    notFoundBody: statusError(404, "Not Found"),
    clientFromControl: clientFromJson,
  });
}

export async function startNoyoSimulator(
  opts: NoyoSimulatorOptions & ListenOptions = {},
): Promise<StartedNoyoSimulator> {
  return listenCc(createNoyoSimulator(opts), opts);
}
