// Standard OAuth2 client-credentials simulator (RFC 6749 §4.4) after
// docs/providers/generic-client-credentials.txt: `POST /oauth/v2/token` and one protected
// call, `GET /api/ping`. Strict on purpose: client_secret_basic and client_secret_post (allowed per
// client), form body (or JSON in "json" mode), scopes, §5.2 error bodies, `Cache-Control: no-store`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isRecord, readJson, sendJson } from "../http";
import {
  clientFromJson,
  type ClientRegistry,
  defaultSimClient,
  defineCcSimulator,
  header,
  listenCc,
  mediaType,
  oauthError,
  parseBasicAuth,
  parseForm,
  positiveSeconds,
  type BasicAuth,
  type CcSimulator,
  type CcSimulatorOptions,
  type ListenOptions,
  type Refusal,
  type SimClient,
  type StartedCcSimulator,
} from "../client-credentials/index";

export const OAUTH2_TOKEN_PATH = "/oauth/v2/token";
export const OAUTH2_PING_PATH = "/api/ping";

export type OAuth2AuthMethod = "client_secret_basic" | "client_secret_post";
export type OAuth2BodyEncoding = "form" | "json";

export type OAuth2Client = SimClient & {
  /** How this client may authenticate; default both. */
  authMethods?: OAuth2AuthMethod[];
  /** Scopes this client may obtain; default every known scope. */
  scopes?: string[];
  /** false: the client authenticates but may not use the client-credentials grant (403). */
  grantAllowed?: boolean;
};

/** The client a fresh OAuth2 simulator knows, `oauth2-sim-client` / `oauth2-sim-secret-not-for-production` (not a real credential). */
export const OAUTH2_DEFAULT_CLIENT: SimClient = defaultSimClient("oauth2");

export const OAUTH2_DEFAULT_SCOPES = ["read", "write"] as const;

export type OAuth2Endpoint = "token" | "ping";
const ENDPOINTS: readonly OAuth2Endpoint[] = ["token", "ping"];
const AUTH_METHODS: readonly OAuth2AuthMethod[] = ["client_secret_basic", "client_secret_post"];

/** Default client `OAUTH2_DEFAULT_CLIENT` (both auth methods, every scope); token lifetime and `expires_in` 3600 s. */
export type OAuth2SimulatorOptions = CcSimulatorOptions<OAuth2Client> & {
  /** Scopes the server knows; default `["read", "write"]`. Anything else is `invalid_scope`. */
  scopes?: string[];
  /** Scope `GET /api/ping` requires (403 `insufficient_scope` without it); default none. */
  pingScope?: string;
  /** Token request body encoding the server accepts; default "form" (RFC 6749). */
  bodyEncoding?: OAuth2BodyEncoding;
};

/** `reset()` keeps the body encoding too. */
export type OAuth2Simulator = CcSimulator<OAuth2Endpoint, OAuth2Client> & {
  bodyEncoding(): OAuth2BodyEncoding;
  setBodyEncoding(mode: OAuth2BodyEncoding): void;
};

/** `tokenUrl` is `${url}/oauth/v2/token`. */
export type StartedOAuth2Simulator = StartedCcSimulator<OAuth2Simulator>;

const REALM = "oauth2-simulator";
const BASIC_CHALLENGE = { "www-authenticate": `Basic realm="${REALM}"` };
const TOKEN_HEADERS = { "cache-control": "no-store", pragma: "no-cache" };

function tokenFaultBody(status: number): unknown {
  if (status === 503) return oauthError("temporarily_unavailable");
  if (status >= 500) return oauthError("server_error");
  return oauthError(status === 429 ? "slow_down" : "invalid_request");
}

function pingFaultBody(status: number): unknown {
  return oauthError(status === 503 ? "temporarily_unavailable" : status >= 500 ? "server_error" : "request_failed");
}

type TokenParams = { params: Map<string, string> } | { error: string };

function parseJsonParams(value: unknown): TokenParams {
  if (!isRecord(value)) return { error: "body must be a JSON object" };
  const params = new Map<string, string>();
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") return { error: `parameter ${name} must be a string` };
    params.set(name, v);
  }
  return { params };
}

function parseScopes(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return [...new Set(raw.split(" ").filter((s) => s !== ""))];
}

function validAuthMethods(value: unknown): value is OAuth2AuthMethod[] {
  return Array.isArray(value) && value.every((m) => (AUTH_METHODS as readonly unknown[]).includes(m));
}

/** A token request as read before faults apply: its client authentication and parameters. */
type TokenRequest = {
  basic: BasicAuth;
  type: string;
  parsed: TokenParams | undefined;
  duplicates: string[];
  namedClient?: string;
};

function readTokenRequest(req: IncomingMessage, raw: Buffer): TokenRequest {
  const basic = parseBasicAuth(header(req, "authorization"), { formDecode: true });
  const type = mediaType(req);
  const text = raw.toString("utf8");
  let parsed: TokenParams | undefined;
  let duplicates: string[] = [];
  if (type === "application/x-www-form-urlencoded") {
    const form = parseForm(text);
    parsed = { params: form.params };
    duplicates = form.duplicates;
  } else if (type === "application/json") {
    try {
      parsed = parseJsonParams(JSON.parse(text));
    } catch {
      parsed = { error: "body is not valid JSON" };
    }
  }
  const params = parsed && "params" in parsed ? parsed.params : undefined;
  const namedClient = basic.kind === "ok" ? basic.clientId : params?.get("client_id");
  return { basic, type, parsed, duplicates, ...(namedClient ? { namedClient } : {}) };
}

function refusal(reason: string, status: number, body: unknown, headers?: Record<string, string>): Refusal {
  return { reason, status, body, ...(headers ? { headers } : {}) };
}

function clientFromControl(body: Record<string, unknown>): OAuth2Client | string {
  const base = clientFromJson(body);
  if (typeof base === "string") return base;
  const client: OAuth2Client = { ...base };
  if (body.authMethods !== undefined) {
    if (!validAuthMethods(body.authMethods)) return `authMethods must list ${AUTH_METHODS.join(" / ")}`;
    client.authMethods = body.authMethods;
  }
  if (body.scopes !== undefined) {
    if (!Array.isArray(body.scopes) || !body.scopes.every((s) => typeof s === "string"))
      return "scopes must be strings";
    client.scopes = body.scopes as string[];
  }
  if (body.grantAllowed !== undefined) {
    if (typeof body.grantAllowed !== "boolean") return "grantAllowed must be a boolean";
    client.grantAllowed = body.grantAllowed;
  }
  return client;
}

/** The checks of a token request, in RFC 6749's order: a refusal, or the client and the scope it is granted. */
function checkTokenRequest(
  { basic, type, parsed, duplicates }: TokenRequest,
  clients: ClientRegistry<OAuth2Client>,
  encoding: OAuth2BodyEncoding,
  knownScopes: ReadonlySet<string>,
): Refusal | { client: OAuth2Client; scope: string } {
  const expectedType = encoding === "json" ? "application/json" : "application/x-www-form-urlencoded";
  if (type !== expectedType) {
    const body = oauthError("invalid_request", `Content-Type must be ${expectedType}`);
    return refusal("unsupported_content_type", 400, body);
  }
  const params = parsed && "params" in parsed ? parsed.params : undefined;
  if (!parsed || !params) {
    const body = oauthError("invalid_request", parsed && "error" in parsed ? parsed.error : "unreadable body");
    return refusal("invalid_body", 400, body);
  }
  if (duplicates.length > 0) {
    const body = oauthError("invalid_request", `parameter sent more than once: ${duplicates.join(", ")}`);
    return refusal("duplicate_parameter", 400, body);
  }
  const grantType = params.get("grant_type");
  if (grantType === undefined || grantType === "") {
    return refusal("missing_grant_type", 400, oauthError("invalid_request", "grant_type is required"));
  }
  if (grantType !== "client_credentials") {
    return refusal("unsupported_grant_type", 400, oauthError("unsupported_grant_type"));
  }

  // Client authentication (RFC 6749 §2.3.1): exactly one method per request.
  const postId = params.get("client_id");
  const postSecret = params.get("client_secret");
  let method: OAuth2AuthMethod;
  let clientId: string;
  let clientSecret: string;
  if (basic.kind !== "none") {
    if (postSecret !== undefined) {
      return refusal(
        "multiple_auth_methods",
        400,
        oauthError("invalid_request", "use one client authentication method"),
      );
    }
    if (basic.kind !== "ok") {
      return refusal("invalid_client", 401, oauthError("invalid_client"), BASIC_CHALLENGE);
    }
    if (postId !== undefined && postId !== basic.clientId) {
      return refusal(
        "client_id_mismatch",
        400,
        oauthError("invalid_request", "client_id does not match the Authorization header"),
      );
    }
    method = "client_secret_basic";
    clientId = basic.clientId;
    clientSecret = basic.clientSecret;
  } else if (postId !== undefined && postId !== "" && postSecret !== undefined) {
    method = "client_secret_post";
    clientId = postId;
    clientSecret = postSecret;
  } else {
    return refusal("invalid_client", 401, oauthError("invalid_client"), BASIC_CHALLENGE);
  }
  const challenge = method === "client_secret_basic" ? BASIC_CHALLENGE : undefined;
  const client = clients.authenticate(clientId, clientSecret);
  if (!client) {
    return refusal("invalid_client", 401, oauthError("invalid_client"), challenge);
  }
  if (!(client.authMethods ?? AUTH_METHODS).includes(method)) {
    return refusal(
      "auth_method_not_allowed",
      401,
      oauthError("invalid_client", `${method} is not allowed for this client`),
      challenge,
    );
  }
  if (client.grantAllowed === false) {
    return refusal(
      "grant_not_allowed",
      403,
      oauthError("unauthorized_client", "client may not use client_credentials"),
    );
  }

  const clientScopes = new Set(client.scopes ?? knownScopes);
  const requested = parseScopes(params.get("scope"));
  const unknown = requested?.filter((s) => !knownScopes.has(s)) ?? [];
  if (unknown.length > 0) {
    return refusal("invalid_scope", 400, oauthError("invalid_scope", `unknown scope: ${unknown.join(" ")}`));
  }
  const denied = requested?.filter((s) => !clientScopes.has(s)) ?? [];
  if (denied.length > 0) {
    return refusal(
      "scope_not_permitted",
      403,
      oauthError("unauthorized_client", `client may not obtain scope: ${denied.join(" ")}`),
    );
  }
  const granted = requested ?? [...clientScopes].filter((s) => knownScopes.has(s));
  const scope = granted.join(" ");
  return { client, scope };
}

function bearerChallenge(error?: string, extra = ""): Record<string, string> {
  return { "www-authenticate": `Bearer realm="${REALM}"${error ? `, error="${error}"` : ""}${extra}` };
}

export function createOAuth2Simulator(opts: OAuth2SimulatorOptions = {}): OAuth2Simulator {
  const lifetime = positiveSeconds(opts.tokenLifetimeSeconds, 3600, "tokenLifetimeSeconds");
  const knownScopes = new Set<string>(opts.scopes ?? OAUTH2_DEFAULT_SCOPES);
  let encoding: OAuth2BodyEncoding = opts.bodyEncoding ?? "form";

  // `POST /__sim/config` `{ "bodyEncoding": "form" | "json" }`; `GET` shows it.
  async function config(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === "GET") {
      sendJson(res, 200, { bodyEncoding: encoding });
      return;
    }
    if (req.method !== "POST") {
      sendJson(res, 405, { message: "method not allowed" }, { allow: "GET, POST" });
      return;
    }
    const body = await readJson(req);
    const mode = body.ok && isRecord(body.value) ? body.value.bodyEncoding : undefined;
    if (mode !== "form" && mode !== "json") {
      sendJson(res, 400, { message: 'bodyEncoding must be "form" or "json"' });
      return;
    }
    encoding = mode;
    sendJson(res, 200, { bodyEncoding: encoding });
  }

  const base = defineCcSimulator({
    name: "oauth2",
    endpoints: ENDPOINTS,
    defaultClient: OAUTH2_DEFAULT_CLIENT as OAuth2Client,
    clients: opts.clients,
    tokenLifetimeSeconds: lifetime,
    clock: opts.clock,
    notFoundBody: oauthError("not_found"),
    extraRoutes: { "/__sim/config": config },
    clientFromControl,
    token: {
      path: OAUTH2_TOKEN_PATH,
      faultBody: tokenFaultBody,
      tooLargeBody: oauthError("invalid_request", "request body too large"),
      methodNotAllowedBody: oauthError("invalid_request", "use POST"),
      errorHeaders: TOKEN_HEADERS,
      successHeaders: TOKEN_HEADERS,
      read: readTokenRequest,
      grant(_req, request, clients) {
        const checked = checkTokenRequest(request, clients, encoding, knownScopes);
        if ("reason" in checked) return checked;
        const { client, scope } = checked;
        return {
          clientId: client.clientId,
          claims: scope ? { scope } : {},
          answer: (accessToken) => ({
            access_token: accessToken,
            token_type: "Bearer",
            expires_in: lifetime,
            ...(scope ? { scope } : {}),
          }),
        };
      },
    },
    api: {
      endpoint: "ping",
      path: OAUTH2_PING_PATH,
      faultBody: pingFaultBody,
      methodNotAllowedBody: oauthError("invalid_request", "use GET"),
      unauthorized(why) {
        if (why === "forced") return { body: oauthError("invalid_token"), headers: bearerChallenge("invalid_token") };
        // RFC 6750 §3.1: no error code when the request carried no credentials at all.
        if (why === "missing")
          return { body: oauthError("invalid_request", "bearer token required"), headers: bearerChallenge() };
        const description = why === "expired" ? "the access token expired" : "the access token is invalid";
        return { body: oauthError("invalid_token", description), headers: bearerChallenge("invalid_token") };
      },
      forbidden: () => ({ body: oauthError("insufficient_scope"), headers: bearerChallenge("insufficient_scope") }),
      admit(_clientId, claims) {
        const tokenScopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
        if (opts.pingScope === undefined || tokenScopes.includes(opts.pingScope)) return undefined;
        const headers = bearerChallenge("insufficient_scope", `, scope="${opts.pingScope}"`);
        return refusal("insufficient_scope", 403, oauthError("insufficient_scope"), headers);
      },
      answer: (clientId, claims) => ({
        pong: true,
        clientId,
        scope: (typeof claims.scope === "string" ? claims.scope.split(" ") : []).join(" "),
      }),
    },
  });
  return {
    ...base,
    bodyEncoding: () => encoding,
    setBodyEncoding: (mode) => {
      encoding = mode;
    },
  };
}

export async function startOAuth2Simulator(
  opts: OAuth2SimulatorOptions & ListenOptions = {},
): Promise<StartedOAuth2Simulator> {
  return listenCc(createOAuth2Simulator(opts), opts);
}
