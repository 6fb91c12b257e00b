// Noon simulator: the consent page (oauth.noon.partners) and the identity API
// (noon-api-gateway.noon.partners) on one loopback server. Strict on purpose: it refuses what the
// real service documents or is reported to refuse, counts every call and can inject faults.
import {
  createHash,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  randomBytes,
  randomInt,
  randomUUID,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto";
import { promisify } from "node:util";
import type { IncomingMessage, ServerResponse } from "node:http";
import { compactVerify, SignJWT } from "jose";
import {
  CounterBook,
  delay,
  FaultBoard,
  hang,
  handleSimControl,
  hasContentType,
  isRecord,
  parseCookies,
  readBody,
  readJson,
  sendJson,
  sendText,
  startHttpServer,
  type FaultPatch,
  type SimHandler,
} from "../http";
import { projectCodeError, renderConsentPage, renderErrorPage, renderKeysPage, simLanguage } from "./consent-page";

const generateKeyPairAsync = promisify(generateKeyPair);

export type NoonEndpoint = "authorize" | "decision" | "login" | "whoami" | "create" | "exchange" | "other";
export const noonEndpoints: readonly NoonEndpoint[] = [
  "authorize",
  "decision",
  "login",
  "whoami",
  "create",
  "exchange",
  "other",
];

/**
 * Noon-specific fault counters (besides failNext/malformedNext/timeoutNext/delayMs):
 * - `expireSessionNext`: the next N authenticated calls answer 401 and drop the session, as if it expired.
 * - `statusErrorNext`: the next N exchanges answer 200 with `status.code` != 0 and no result.
 * - `incompleteNext`: the next N successful calls answer JSON with required fields missing
 *   (login: 200 without session cookies).
 */
export type NoonFaultCounter = "expireSessionNext" | "statusErrorNext" | "incompleteNext";
export const noonFaultCounters: readonly NoonFaultCounter[] = [
  "expireSessionNext",
  "statusErrorNext",
  "incompleteNext",
];

export type NoonPrivateKeyFormat = "pkcs1" | "pkcs8";

export type NoonSimulatorOptions = {
  /** The redirect URI "registered with Noon" for this client; the consent page redirects here. */
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
  port?: number;
  /**
   * PEM flavour of issued private keys. Default "pkcs1" (`BEGIN RSA PRIVATE KEY`), as in Noon's
   * documented exchange response; the app must accept it.
   */
  privateKeyFormat?: NoonPrivateKeyFormat;
  /** Clock in milliseconds (tests move time to expire codes, tokens, sessions). */
  now?: () => number;
  /** Login JWT `iat` may be at most this old (default 300 s). */
  loginMaxAgeSeconds?: number;
  /** Session lifetime (default 30 days, as documented). */
  sessionTtlMs?: number;
  /**
   * Benchmarks only: make this many seller key pairs at start and hand them out in turn (each answer
   * still has a fresh key_id), so a run measures the callers, not RSA key generation. Default 0: a new
   * key pair per exchange.
   */
  sellerKeyPool?: number;
};

/** The integrator's service-account key file, as downloaded from the Noon Partners Access App. */
export type NoonKeyFile = {
  key_id: string;
  private_key: string;
  project_code: string;
  channel_identifier: string;
  user_code: string;
  type: "apijwt";
};

export type IssuedSellerKey = {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  projectCode: string;
  channelIdentifier: string;
  issuedAt: string;
  oauthRequestId: string;
  /** Set when the key was deactivated (`POST /__sim/keys/revoke`): logins with it fail at once. */
  revokedAt?: string;
};

type PendingConsent = { clientId: string; state: string; projectCode: string; expiresAt: number };
type AuthorizationCode = { clientId: string; projectCode: string; expiresAt: number; used: boolean };
type AccessToken = { clientId: string; projectCode: string; expiresAt: number; used: boolean };
type Session = { sid: string; rtnetid: string; userCode: string; expiresAt: number; projectCode: string };

export type NoonSimulatorState = {
  pendingConsents: Map<string, PendingConsent>;
  codes: Map<string, AuthorizationCode>;
  accessTokens: Map<string, AccessToken>;
  sessions: Map<string, Session>;
  usedJtis: Set<string>;
  /** Every seller key handed out by token/exchange, by key_id (tests compare PEMs byte for byte). */
  issuedKeys: Map<string, IssuedSellerKey>;
  /** oauth_request_id of every exchange that returned a key, in order. */
  oauthRequestIds: string[];
};

export type NoonSimulator = {
  handler: SimHandler;
  state: NoonSimulatorState;
  counters: CounterBook<NoonEndpoint>;
  faults: FaultBoard<NoonEndpoint, NoonFaultCounter>;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  integratorKey: NoonKeyFile;
  /** Merges fault switches globally, or for one endpoint. */
  setFaults(patch: FaultPatch<NoonFaultCounter>, endpoint?: NoonEndpoint): void;
  /** Clears state, counters and faults; client credentials and the integrator key stay. */
  reset(): void;
  /** Expires every integrator session now. */
  expireSessions(): void;
  /** Issues an authorization code as if a seller approved (skips the HTML page). */
  issueAuthorizationCode(opts?: { projectCode?: string; clientId?: string }): string;
  /** Deactivates an issued seller key (as Noon does at once); false when no such key was issued. */
  revokeKey(keyId: string): boolean;
};

export type StartedNoonSimulator = NoonSimulator & {
  url: string;
  /** `${url}/authorize` — the app's NOON_AUTHORIZE_URL. */
  authorizeUrl: string;
  /** Same as url — the app's NOON_API_URL. */
  apiUrl: string;
  close(): Promise<void>;
};

const CODE_TTL_MS = 10 * 60 * 1000;
const CONSENT_TTL_MS = 10 * 60 * 1000;
const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;
const BODY_LIMIT = 64 * 1024;
const FUTURE_SKEW_SECONDS = 5;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const PROJECT_CODE = /^PRJ\d{5,8}$/;
const APP_USER_AGENT = /^[A-Za-z][\w.-]*\/\S+/;

// grpc-gateway style error codes (Noon's API speaks protojson: "3600s", "TOKEN_TYPE_BEARER").
const grpcCodeFor: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  405: 12,
  415: 3,
  429: 8,
  500: 13,
  502: 14,
  503: 14,
  504: 4,
};

function random(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

function randomProjectCode(): string {
  return `PRJ${randomInt(10000, 100000)}`;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function exportPrivate(key: KeyObject, format: NoonPrivateKeyFormat): string {
  return key.export({ type: format, format: "pem" }).toString();
}

/** The named fields as non-empty strings, or the name of the first one missing. */
function requireStrings<N extends string>(body: Record<string, unknown>, names: readonly N[]): Record<N, string> | N {
  const out = {} as Record<N, string>;
  for (const name of names) {
    const value = body[name];
    if (typeof value !== "string" || value === "") return name;
    out[name] = value;
  }
  return out;
}

function apiError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { code: grpcCodeFor[status] ?? 2, message, details: [] }, headers);
}

export function createNoonSimulator(opts: NoonSimulatorOptions): NoonSimulator {
  let redirect: URL;
  try {
    redirect = new URL(opts.redirectUri);
  } catch {
    throw new Error("Noon simulator: redirectUri must be an absolute URL");
  }
  if (redirect.protocol !== "http:" && redirect.protocol !== "https:") {
    throw new Error("Noon simulator: redirectUri must be http(s)");
  }
  const now = opts.now ?? Date.now;
  const keyFormat = opts.privateKeyFormat ?? "pkcs1";
  const loginMaxAge = opts.loginMaxAgeSeconds ?? 300;
  const sessionTtl = opts.sessionTtlMs ?? 30 * 24 * 60 * 60 * 1000;
  const clientId = opts.clientId ?? `sim-client-${randomBytes(6).toString("hex")}`;
  const clientSecret = opts.clientSecret ?? random(32);

  // The integrator's own service account (created synchronously: once per simulator).
  const integratorPair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const integratorProject = randomProjectCode();
  const integratorKey: NoonKeyFile = {
    key_id: randomBytes(16).toString("hex"),
    private_key: exportPrivate(integratorPair.privateKey, keyFormat),
    project_code: integratorProject,
    channel_identifier: `integrator-${randomBytes(4).toString("hex")}@${integratorProject.toLowerCase()}.noon.partners`,
    user_code: `usr_${randomBytes(8).toString("hex")}`,
    type: "apijwt",
  };

  // Key that signs the access tokens from token/create (made on first use, asynchronously).
  let tokenSigningKey: Promise<KeyObject> | undefined;
  const signingKey = (): Promise<KeyObject> =>
    (tokenSigningKey ??= generateKeyPairAsync("rsa", { modulusLength: 2048 }).then((p) => p.privateKey));

  const keyPool = Array.from({ length: Math.max(0, opts.sellerKeyPool ?? 0) }, () =>
    generateKeyPairSync("rsa", { modulusLength: 2048 }),
  );
  let keyPoolNext = 0;
  const sellerKeyPair = async () =>
    keyPool.length
      ? (keyPool[keyPoolNext++ % keyPool.length] as (typeof keyPool)[number])
      : generateKeyPairAsync("rsa", { modulusLength: 2048 });

  const state: NoonSimulatorState = {
    pendingConsents: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    sessions: new Map(),
    usedJtis: new Set(),
    issuedKeys: new Map(),
    oauthRequestIds: [],
  };
  const counters = new CounterBook<NoonEndpoint>();
  const faults = new FaultBoard<NoonEndpoint, NoonFaultCounter>(noonEndpoints, noonFaultCounters);

  const reset = (): void => {
    state.pendingConsents.clear();
    state.codes.clear();
    state.accessTokens.clear();
    state.sessions.clear();
    state.usedJtis.clear();
    state.issuedKeys.clear();
    state.oauthRequestIds.length = 0;
    counters.reset();
    faults.reset();
  };

  const issueAuthorizationCode = (o: { projectCode?: string; clientId?: string } = {}): string => {
    const code = random(32);
    state.codes.set(code, {
      clientId: o.clientId ?? clientId,
      projectCode: o.projectCode ?? randomProjectCode(),
      expiresAt: now() + CODE_TTL_MS,
      used: false,
    });
    return code;
  };

  // form-action also governs the 303 after the form post, so the redirect URI's origin is listed.
  const pageHeaders: Record<string, string> = {
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${redirect.origin}; frame-ancestors 'none'; base-uri 'none'`,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };

  const reject = (res: ServerResponse, ep: NoonEndpoint, status: number, reason: string, message: string): void => {
    counters.rejected(ep, reason);
    apiError(res, status, message);
  };

  const rejectPage = (
    res: ServerResponse,
    ep: NoonEndpoint,
    status: number,
    reason: string,
    title: string,
    message: string,
  ): void => {
    counters.rejected(ep, reason);
    sendText(res, status, renderErrorPage(title, message), "text/html; charset=utf-8", pageHeaders);
  };

  /** Applies delay and infrastructure faults; true when the call was answered by a fault. */
  const applyPreflight = async (req: IncomingMessage, res: ServerResponse, ep: NoonEndpoint): Promise<boolean> => {
    await delay(faults.delayMs(ep), req);
    const fault = faults.preflight(ep);
    if (fault.kind === "timeout") {
      counters.rejected(ep, "fault_timeout");
      await hang(req, res, fault.hangMs);
      return true;
    }
    if (fault.kind === "fail") {
      counters.rejected(ep, "fault_fail");
      apiError(res, fault.status, fault.status === 503 ? "service unavailable" : "internal error");
      return true;
    }
    return false;
  };

  /** Common checks of a JSON API call: method, User-Agent, Content-Type. */
  const checkApiRequest = (
    req: IncomingMessage,
    res: ServerResponse,
    ep: NoonEndpoint,
    method: "GET" | "POST",
  ): boolean => {
    if (req.method !== method) {
      counters.rejected(ep, "method");
      apiError(res, 405, `method ${req.method ?? ""} not allowed`, { allow: method });
      return false;
    }
    const ua = req.headers["user-agent"];
    // Node's fetch sends "node" by default: demand an application product token ("App/1.0").
    if (typeof ua !== "string" || !APP_USER_AGENT.test(ua)) {
      reject(res, ep, 403, "user_agent", "a User-Agent header naming the application (Name/version) is required");
      return false;
    }
    if (method === "POST" && !hasContentType(req, "application/json")) {
      reject(res, ep, 415, "content_type", "Content-Type must be application/json");
      return false;
    }
    return true;
  };

  const requireSession = (req: IncomingMessage, res: ServerResponse, ep: NoonEndpoint): Session | null => {
    const cookies = parseCookies(req.headers.cookie);
    const sid = cookies.get("_npsid");
    const rt = cookies.get("_nprtnetid");
    const session = sid ? state.sessions.get(sid) : undefined;
    if (!session || !rt || !safeEqual(rt, session.rtnetid)) {
      reject(res, ep, 401, "session", "unauthenticated: no valid session");
      return null;
    }
    if (session.expiresAt <= now()) {
      state.sessions.delete(session.sid);
      reject(res, ep, 401, "session_expired", "unauthenticated: session expired");
      return null;
    }
    if (faults.take(ep, "expireSessionNext")) {
      state.sessions.delete(session.sid);
      reject(res, ep, 401, "fault_session_expired", "unauthenticated: session expired");
      return null;
    }
    return session;
  };

  const readJsonObject = async (
    req: IncomingMessage,
    res: ServerResponse,
    ep: NoonEndpoint,
  ): Promise<Record<string, unknown> | null> => {
    const body = await readJson(req, BODY_LIMIT);
    if (!body.ok) {
      reject(
        res,
        ep,
        body.reason === "too_large" ? 413 : 400,
        `body_${body.reason}`,
        `invalid request body: ${body.reason}`,
      );
      return null;
    }
    if (!isRecord(body.value)) {
      reject(res, ep, 400, "body_not_object", "request body must be a JSON object");
      return null;
    }
    return body.value;
  };

  /** Answers a malformed success when the fault is armed; true if it did. */
  const malformed = (res: ServerResponse, ep: NoonEndpoint, incomplete: unknown): boolean => {
    if (faults.take(ep, "malformedNext")) {
      counters.rejected(ep, "fault_malformed");
      sendText(res, 200, "<html><body>upstream connect error</body></html>", "text/html");
      return true;
    }
    if (faults.take(ep, "incompleteNext")) {
      counters.rejected(ep, "fault_incomplete");
      sendJson(res, 200, incomplete);
      return true;
    }
    return false;
  };

  // ---- GET /authorize ------------------------------------------------------------------------
  const authorize = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const ep: NoonEndpoint = "authorize";
    if (req.method !== "GET" && req.method !== "HEAD") {
      counters.rejected(ep, "method");
      sendText(
        res,
        405,
        renderErrorPage("Method not allowed", "Open this page with GET."),
        "text/html; charset=utf-8",
        {
          ...pageHeaders,
          allow: "GET, HEAD",
        },
      );
      return;
    }
    for (const name of ["client_id", "state"]) {
      if (url.searchParams.getAll(name).length > 1) {
        rejectPage(
          res,
          ep,
          400,
          "duplicate_param",
          "Invalid request",
          `The parameter "${name}" appears more than once.`,
        );
        return;
      }
    }
    const reqClient = url.searchParams.get("client_id");
    const reqState = url.searchParams.get("state");
    if (!reqClient) {
      rejectPage(res, ep, 400, "missing_client_id", "Invalid request", "The client_id parameter is missing.");
      return;
    }
    if (reqClient !== clientId) {
      rejectPage(
        res,
        ep,
        400,
        "unknown_client",
        "Unknown application",
        "This application is not registered with Noon.",
      );
      return;
    }
    if (!reqState) {
      rejectPage(res, ep, 400, "missing_state", "Invalid request", "The state parameter is missing.");
      return;
    }
    const requestId = random(24);
    const projectCode = randomProjectCode();
    state.pendingConsents.set(requestId, {
      clientId: reqClient,
      state: reqState,
      projectCode,
      expiresAt: now() + CONSENT_TTL_MS,
    });
    counters.succeeded(ep);
    sendText(
      res,
      200,
      renderConsentPage({
        requestId,
        clientId: reqClient,
        projectCode,
        lang: simLanguage({
          uiLocales: url.searchParams.get("ui_locales"),
          cookieHeader: req.headers.cookie,
          acceptLanguage: req.headers["accept-language"],
        }),
      }),
      "text/html; charset=utf-8",
      pageHeaders,
    );
  };

  // ---- POST /authorize/decision --------------------------------------------------------------
  const decision = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "decision";
    if (req.method !== "POST") {
      rejectPage(res, ep, 405, "method", "Method not allowed", "Submit the consent form.");
      return;
    }
    if (!hasContentType(req, "application/x-www-form-urlencoded")) {
      rejectPage(
        res,
        ep,
        415,
        "content_type",
        "Invalid request",
        "The form must be submitted as application/x-www-form-urlencoded.",
      );
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT);
    } catch {
      rejectPage(res, ep, 413, "body_too_large", "Invalid request", "The form is too large.");
      return;
    }
    const form = new URLSearchParams(raw.toString("utf8"));
    for (const name of ["request_id", "project_code", "decision", "ui_locales"]) {
      if (form.getAll(name).length > 1) {
        rejectPage(res, ep, 400, "duplicate_param", "Invalid request", `The field "${name}" appears more than once.`);
        return;
      }
    }
    const requestId = form.get("request_id") ?? "";
    const pending = state.pendingConsents.get(requestId);
    if (!pending || pending.expiresAt <= now()) {
      state.pendingConsents.delete(requestId);
      rejectPage(
        res,
        ep,
        400,
        "unknown_request",
        "Request expired",
        "This authorization request is unknown or has expired. Start again from the application.",
      );
      return;
    }
    const choice = form.get("decision");
    const target = new URL(redirect);
    if (choice === "decline") {
      state.pendingConsents.delete(requestId);
      target.searchParams.set("error", "access_denied");
      target.searchParams.set("error_description", "The seller declined the authorization request.");
      target.searchParams.set("state", pending.state);
      counters.succeeded(ep);
      res.writeHead(303, { location: target.toString(), "cache-control": "no-store" });
      res.end();
      return;
    }
    if (choice !== "approve") {
      rejectPage(res, ep, 400, "bad_decision", "Invalid request", "Choose Approve or Decline.");
      return;
    }
    const projectCode = (form.get("project_code") ?? "").trim();
    if (!PROJECT_CODE.test(projectCode)) {
      counters.rejected(ep, "bad_project_code");
      const lang = simLanguage({
        uiLocales: form.get("ui_locales"),
        cookieHeader: req.headers.cookie,
        acceptLanguage: req.headers["accept-language"],
      });
      sendText(
        res,
        400,
        renderConsentPage({
          requestId,
          clientId: pending.clientId,
          projectCode,
          projectCodeError: projectCodeError(lang),
          lang,
        }),
        "text/html; charset=utf-8",
        pageHeaders,
      );
      return;
    }
    state.pendingConsents.delete(requestId);
    const code = issueAuthorizationCode({ projectCode, clientId: pending.clientId });
    target.searchParams.set("code", code);
    target.searchParams.set("state", pending.state);
    counters.succeeded(ep);
    res.writeHead(303, { location: target.toString(), "cache-control": "no-store" });
    res.end();
  };

  type LoginAccount = { keyId: string; publicKey: KeyObject; projectCode: string; userCode: string; revoked: boolean };

  /** The service account a login JWT names in its `sub` (read before the signature is checked). */
  const loginAccount = (token: string): LoginAccount | null => {
    let sub: unknown;
    try {
      const payload = token.split(".")[1] ?? "";
      sub = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown }).sub;
    } catch {
      return null;
    }
    if (typeof sub !== "string") return null;
    if (sub === integratorKey.key_id) {
      return {
        keyId: sub,
        publicKey: integratorPair.publicKey,
        projectCode: integratorKey.project_code,
        userCode: integratorKey.user_code,
        revoked: false,
      };
    }
    const issued = state.issuedKeys.get(sub);
    if (!issued) return null;
    return {
      keyId: issued.keyId,
      publicKey: createPublicKey(issued.publicKeyPem),
      projectCode: issued.projectCode,
      userCode: `usr_${issued.keyId.slice(0, 16)}`,
      revoked: issued.revokedAt !== undefined,
    };
  };

  const revokeKey = (keyId: string): boolean => {
    const issued = state.issuedKeys.get(keyId);
    if (!issued) return false;
    issued.revokedAt ??= isoSeconds(now());
    // Deactivation is immediate: the key's open sessions end too.
    const userCode = `usr_${issued.keyId.slice(0, 16)}`;
    for (const session of state.sessions.values())
      if (session.userCode === userCode) state.sessions.delete(session.sid);
    return true;
  };

  // ---- POST /identity/public/v1/api/login ----------------------------------------------------
  const login = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "login";
    if (!checkApiRequest(req, res, ep, "POST")) return;
    const body = await readJsonObject(req, res, ep);
    if (!body) return;
    const { token, default_project_code: projectCode } = body;
    if (typeof token !== "string" || token === "") {
      reject(res, ep, 400, "missing_token", "token is required");
      return;
    }
    if (typeof projectCode !== "string" || projectCode === "") {
      reject(res, ep, 400, "missing_project_code", "default_project_code is required");
      return;
    }
    // The key is the one named by the (unverified) `sub`: the integrator's own, or a seller key this
    // simulator issued. The signature is then checked with that key's public key only.
    const account = loginAccount(token);
    if (!account) {
      reject(res, ep, 401, "bad_sub", "invalid token: unknown key");
      return;
    }
    let payloadBytes: Uint8Array;
    try {
      const verified = await compactVerify(token, account.publicKey, { algorithms: ["RS256"] });
      payloadBytes = verified.payload;
    } catch {
      reject(res, ep, 401, "bad_signature", "invalid token");
      return;
    }
    let claims: unknown;
    try {
      claims = JSON.parse(new TextDecoder().decode(payloadBytes)) as unknown;
    } catch {
      reject(res, ep, 401, "bad_claims", "invalid token");
      return;
    }
    if (!isRecord(claims)) {
      reject(res, ep, 401, "bad_claims", "invalid token");
      return;
    }
    const names = Object.keys(claims).sort();
    if (names.join(",") !== "iat,jti,sub") {
      reject(res, ep, 401, "unexpected_claims", "invalid token: claims must be exactly sub, iat, jti");
      return;
    }
    const { sub, iat, jti } = claims;
    if (sub !== account.keyId) {
      reject(res, ep, 401, "bad_sub", "invalid token: unknown key");
      return;
    }
    const nowSec = Math.floor(now() / 1000);
    if (typeof iat !== "number" || !Number.isInteger(iat)) {
      reject(res, ep, 401, "bad_iat", "invalid token: iat must be whole seconds");
      return;
    }
    if (iat > nowSec + FUTURE_SKEW_SECONDS) {
      reject(res, ep, 401, "iat_in_future", "invalid token: issued in the future");
      return;
    }
    if (nowSec - iat > loginMaxAge) {
      reject(res, ep, 401, "iat_too_old", "invalid token: too old");
      return;
    }
    if (typeof jti !== "string" || !UUID_V4.test(jti)) {
      reject(res, ep, 401, "bad_jti", "invalid token: jti must be a UUID v4");
      return;
    }
    if (state.usedJtis.has(jti)) {
      reject(res, ep, 401, "jti_reused", "invalid token: replayed");
      return;
    }
    state.usedJtis.add(jti);
    if (account.revoked) {
      reject(res, ep, 401, "key_revoked", "invalid token: the key has been deactivated");
      return;
    }
    if (projectCode !== account.projectCode) {
      reject(res, ep, 403, "project_denied", "permission denied for project");
      return;
    }
    if (faults.take(ep, "malformedNext")) {
      counters.rejected(ep, "fault_malformed");
      sendText(res, 200, "<html><body>upstream connect error</body></html>", "text/html");
      return;
    }
    if (faults.take(ep, "incompleteNext")) {
      counters.rejected(ep, "fault_incomplete");
      sendJson(res, 200, {});
      return;
    }
    const session: Session = {
      sid: random(32),
      rtnetid: random(32),
      userCode: account.userCode,
      expiresAt: now() + sessionTtl,
      projectCode: account.projectCode,
    };
    state.sessions.set(session.sid, session);
    const maxAge = Math.floor(sessionTtl / 1000);
    counters.succeeded(ep);
    sendJson(
      res,
      200,
      {},
      {
        "set-cookie": [
          `_npsid=${session.sid}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`,
          `_nprtnetid=${session.rtnetid}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`,
        ],
      },
    );
  };

  // ---- GET /identity/v1/whoami ---------------------------------------------------------------
  const whoami = (req: IncomingMessage, res: ServerResponse): void => {
    const ep: NoonEndpoint = "whoami";
    if (!checkApiRequest(req, res, ep, "GET")) return;
    if (!requireSession(req, res, ep)) return;
    if (malformed(res, ep, { username: integratorKey.channel_identifier })) return;
    counters.succeeded(ep);
    sendJson(res, 200, { user_code: integratorKey.user_code, username: integratorKey.channel_identifier });
  };

  // ---- POST /identity/oauth/v1/token/create --------------------------------------------------
  const create = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "create";
    if (!checkApiRequest(req, res, ep, "POST")) return;
    if (!requireSession(req, res, ep)) return;
    const body = await readJsonObject(req, res, ep);
    if (!body) return;
    const fields = requireStrings(body, ["grant_type", "code", "client_id", "client_secret"]);
    if (typeof fields === "string") {
      reject(res, ep, 400, "missing_field", `${fields} is required`);
      return;
    }
    const { grant_type: grantType, code, client_id: bodyClient, client_secret: bodySecret } = fields;
    if (grantType !== "authorization_code") {
      reject(res, ep, 400, "bad_grant_type", "unsupported grant_type");
      return;
    }
    if (bodyClient !== clientId || !safeEqual(bodySecret, clientSecret)) {
      reject(res, ep, 401, "bad_client", "invalid client credentials");
      return;
    }
    const entry = state.codes.get(code);
    if (!entry) {
      reject(res, ep, 400, "code_unknown", "invalid authorization code");
      return;
    }
    if (entry.used) {
      reject(res, ep, 400, "code_used", "authorization code already used");
      return;
    }
    if (entry.expiresAt <= now()) {
      reject(res, ep, 400, "code_expired", "authorization code expired");
      return;
    }
    if (entry.clientId !== bodyClient) {
      reject(res, ep, 400, "code_client_mismatch", "authorization code was issued to another client");
      return;
    }
    entry.used = true;
    const issuedAt = now();
    const accessToken = await new SignJWT({
      project_code: entry.projectCode,
      client_id: bodyClient,
      scope: "access:grant",
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setSubject(entry.projectCode)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .setExpirationTime(Math.floor((issuedAt + ACCESS_TOKEN_TTL_MS) / 1000))
      .setJti(randomUUID())
      .sign(await signingKey());
    state.accessTokens.set(accessToken, {
      clientId: bodyClient,
      projectCode: entry.projectCode,
      expiresAt: issuedAt + ACCESS_TOKEN_TTL_MS,
      used: false,
    });
    if (malformed(res, ep, { token_type: "TOKEN_TYPE_BEARER", expires_in: "3600s" })) return;
    counters.succeeded(ep);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: "TOKEN_TYPE_BEARER",
      expires_in: "3600s",
      scopes: ["access:grant"],
      project_code: entry.projectCode,
    });
  };

  // ---- POST /identity/oauth/v1/token/exchange ------------------------------------------------
  const exchange = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "exchange";
    if (!checkApiRequest(req, res, ep, "POST")) return;
    if (!requireSession(req, res, ep)) return;
    const body = await readJsonObject(req, res, ep);
    if (!body) return;
    const token = body.access_token;
    if (typeof token !== "string" || token === "") {
      reject(res, ep, 400, "missing_field", "access_token is required");
      return;
    }
    const entry = state.accessTokens.get(token);
    if (!entry) {
      reject(res, ep, 401, "token_unknown", "invalid access token");
      return;
    }
    if (entry.used) {
      reject(res, ep, 401, "token_used", "access token already used");
      return;
    }
    if (entry.expiresAt <= now()) {
      reject(res, ep, 401, "token_expired", "access token expired");
      return;
    }
    entry.used = true;
    const oauthRequestId = randomUUID();
    if (faults.take(ep, "statusErrorNext")) {
      counters.rejected(ep, "fault_status_error");
      sendJson(res, 200, {
        status: { code: 13, message: "service account creation failed" },
        project_code: entry.projectCode,
        oauth_request_id: oauthRequestId,
      });
      return;
    }
    const pair = await sellerKeyPair();
    const issued: IssuedSellerKey = {
      keyId: randomBytes(16).toString("hex"),
      privateKeyPem: exportPrivate(pair.privateKey, keyFormat),
      publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
      projectCode: entry.projectCode,
      channelIdentifier: `oauth-${randomBytes(4).toString("hex")}@${entry.projectCode.toLowerCase()}.noon.partners`,
      issuedAt: isoSeconds(now()),
      oauthRequestId,
    };
    // The key exists on Noon's side even if the answer below is garbled by a fault.
    state.issuedKeys.set(issued.keyId, issued);
    state.oauthRequestIds.push(oauthRequestId);
    if (malformed(res, ep, { status: { code: 0 }, project_code: entry.projectCode, oauth_request_id: oauthRequestId }))
      return;
    counters.succeeded(ep);
    sendJson(res, 200, {
      status: { code: 0 },
      project_code: entry.projectCode,
      oauth_request_id: oauthRequestId,
      result: {
        key_id: issued.keyId,
        private_key: issued.privateKeyPem,
        channel_identifier: issued.channelIdentifier,
        project_code: issued.projectCode,
        type: "apijwt",
        issued_at: issued.issuedAt,
      },
    });
  };

  const routes: Record<
    string,
    { ep: NoonEndpoint; run: (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void> }
  > = {
    "/authorize": { ep: "authorize", run: authorize },
    "/authorize/": { ep: "authorize", run: authorize },
    "/authorize/decision": { ep: "decision", run: decision },
    "/identity/public/v1/api/login": { ep: "login", run: login },
    "/identity/v1/whoami": { ep: "whoami", run: whoami },
    "/identity/oauth/v1/token/create": { ep: "create", run: create },
    "/identity/oauth/v1/token/exchange": { ep: "exchange", run: exchange },
  };

  /** POST /__sim/keys/revoke: JSON or form with `keyId`, or `projectCode` (every key of that project). */
  const revokeControl = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      sendJson(res, 405, { message: "method not allowed" }, { allow: "POST" });
      return;
    }
    let fields: Record<string, unknown>;
    try {
      const raw = (await readBody(req, BODY_LIMIT)).toString("utf8");
      fields = hasContentType(req, "application/x-www-form-urlencoded")
        ? Object.fromEntries(new URLSearchParams(raw))
        : (JSON.parse(raw || "{}") as unknown as Record<string, unknown>);
      if (!isRecord(fields)) throw new Error("not an object");
    } catch {
      sendJson(res, 400, { message: 'body: JSON or form with "keyId" or "projectCode"' });
      return;
    }
    const keyIds =
      typeof fields.keyId === "string" && fields.keyId
        ? [fields.keyId]
        : typeof fields.projectCode === "string" && fields.projectCode
          ? [...state.issuedKeys.values()].filter((k) => k.projectCode === fields.projectCode).map((k) => k.keyId)
          : [];
    const revoked = keyIds.filter((id) => revokeKey(id));
    if (revoked.length === 0) {
      sendJson(res, 404, { message: "no issued key matches" });
      return;
    }
    if (hasContentType(req, "application/x-www-form-urlencoded")) {
      res.writeHead(303, { location: "/__sim/keys", "cache-control": "no-store" });
      res.end();
      return;
    }
    sendJson(res, 200, { revoked });
  };

  const handler: SimHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname === "/__sim/issued-keys") {
      // Fingerprints only: a test compares what the app stored without the key crossing the control API.
      const keys = [...state.issuedKeys.values()].map((k) => ({
        keyId: k.keyId,
        projectCode: k.projectCode,
        sha256: createHash("sha256").update(k.privateKeyPem).digest("hex"),
        revoked: k.revokedAt !== undefined,
      }));
      sendJson(res, 200, { keys });
      return;
    }
    if (url.pathname === "/__sim/keys") {
      sendText(res, 200, renderKeysPage([...state.issuedKeys.values()]), "text/html; charset=utf-8", pageHeaders);
      return;
    }
    if (url.pathname === "/__sim/keys/revoke") {
      await revokeControl(req, res);
      return;
    }
    const controlled = await handleSimControl(req, res, url.pathname, {
      counters: () => counters.snapshot(),
      faults: () => faults.snapshot(),
      applyFaults: (b) => faults.applyJson(b),
      reset,
    });
    if (controlled) return;
    const route = routes[url.pathname];
    if (!route) {
      counters.received("other");
      counters.rejected("other", "not_found");
      apiError(res, 404, "not found");
      return;
    }
    counters.received(route.ep);
    if (await applyPreflight(req, res, route.ep)) return;
    await route.run(req, res, url);
  };

  return {
    handler,
    state,
    counters,
    faults,
    clientId,
    clientSecret,
    redirectUri: redirect.toString(),
    integratorKey,
    setFaults: (patch, endpoint) => faults.set(patch, endpoint),
    reset,
    expireSessions: () => {
      for (const s of state.sessions.values()) s.expiresAt = 0;
    },
    issueAuthorizationCode,
    revokeKey,
  };
}

export async function startNoonSimulator(opts: NoonSimulatorOptions): Promise<StartedNoonSimulator> {
  const sim = createNoonSimulator(opts);
  const server = await startHttpServer(sim.handler, opts.port === undefined ? {} : { port: opts.port });
  return { ...sim, url: server.url, authorizeUrl: `${server.url}/authorize`, apiUrl: server.url, close: server.close };
}
