// Machinery shared by the client-credentials simulators: the standard OAuth2 server in this folder
// and the Noyo, Inyo and Nuvy dialects. Each dialect keeps its own routes and error bodies; this
// module holds what they have in common (clients, signed tokens, header/body parsing, faults,
// counters) so the four stay small and behave alike under the `/__sim/*` control API.
import { createHash, generateKeyPair, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import {
  CounterBook,
  FaultBoard,
  delay,
  handleSimControl,
  hang,
  isRecord,
  readJson,
  sendJson,
  startHttpServer,
  type EndpointCounters,
  type FaultPatch,
  type FaultSet,
  type SimHandler,
  type StartedHttpServer,
} from "../http";

/** Milliseconds since the epoch; injectable so tests can move time without sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

// ---------------------------------------------------------------------------------------------
// Clients

export type SimClient = { clientId: string; clientSecret: string };

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** The simulator's registered clients; secrets are compared in constant time. */
export class ClientRegistry<C extends SimClient> {
  private clients = new Map<string, C>();

  constructor(initial: readonly C[] = []) {
    for (const c of initial) this.add(c);
  }

  add(client: C): void {
    if (client.clientId === "") throw new Error("clientId must not be empty");
    this.clients.set(client.clientId, client);
  }

  remove(clientId: string): boolean {
    return this.clients.delete(clientId);
  }

  get(clientId: string): C | undefined {
    return this.clients.get(clientId);
  }

  ids(): string[] {
    return [...this.clients.keys()];
  }

  /** The client when `clientId` is registered and `clientSecret` matches it, else undefined. */
  authenticate(clientId: string, clientSecret: string): C | undefined {
    const client = this.clients.get(clientId);
    // Compare even for unknown ids so timing does not reveal which ids exist.
    const expected = digest(client?.clientSecret ?? randomUUID());
    const matches = timingSafeEqual(expected, digest(clientSecret));
    return client && matches ? client : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Signed access tokens

export type TokenCheck =
  | { ok: true; clientId: string; claims: JWTPayload }
  | { ok: false; reason: "malformed" | "invalid_signature" | "expired" };

type KeyPair = { privateKey: KeyObject; publicKey: KeyObject };
const generateKeyPairAsync = promisify(generateKeyPair);
let processKeys: Promise<KeyPair> | undefined;

// One RSA key pair per process, made on first use: generating 2048-bit keys takes a few hundred
// milliseconds, too slow to repeat for every simulator a test starts.
function signingKeys(): Promise<KeyPair> {
  processKeys ??= generateKeyPairAsync("rsa", { modulusLength: 2048 });
  return processKeys;
}

/**
 * Issues and checks RS256 JWT access tokens. Each instance has its own issuer, checked on
 * verification, so tokens of another simulator (or another instance) never verify here.
 */
export class TokenSigner {
  readonly issuer: string;

  constructor(
    name: string,
    private readonly clock: Clock,
  ) {
    this.issuer = `${name}-simulator/${randomUUID()}`;
  }

  private keyPair(): Promise<KeyPair> {
    return signingKeys();
  }

  /** A token for `clientId` valid for `lifetimeSeconds` from now (whole seconds, like `exp`). */
  async issue(
    clientId: string,
    lifetimeSeconds: number,
    claims: JWTPayload = {},
  ): Promise<{ token: string; issuedAt: number; expiresAt: number }> {
    const { privateKey } = await this.keyPair();
    const issuedAt = Math.floor(this.clock() / 1000);
    const expiresAt = issuedAt + lifetimeSeconds;
    const token = await new SignJWT({ ...claims, client_id: clientId })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(this.issuer)
      .setSubject(clientId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(privateKey);
    return { token, issuedAt, expiresAt };
  }

  async check(token: string): Promise<TokenCheck> {
    const { publicKey } = await this.keyPair();
    try {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: this.issuer,
        algorithms: ["RS256"],
        currentDate: new Date(this.clock()),
      });
      if (typeof payload.sub !== "string") return { ok: false, reason: "malformed" };
      return { ok: true, clientId: payload.sub, claims: payload };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) return { ok: false, reason: "expired" };
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, reason: "invalid_signature" };
      if (err instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, reason: "invalid_signature" };
      return { ok: false, reason: "malformed" };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Header and body parsing

export type BasicAuth =
  | { kind: "none" }
  | { kind: "other_scheme" }
  | { kind: "malformed" }
  | { kind: "ok"; clientId: string; clientSecret: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses `Authorization: Basic base64(id:secret)`. With `formDecode` (RFC 6749 §2.3.1) the id and
 * secret are form-urlencoded before base64, so `+` and `%xx` are decoded.
 */
export function parseBasicAuth(header: string | undefined, opts: { formDecode?: boolean } = {}): BasicAuth {
  if (header === undefined || header.trim() === "") return { kind: "none" };
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header.trim());
  if (!match) return { kind: "malformed" };
  const [, scheme = "", encoded = ""] = match;
  if (scheme.toLowerCase() !== "basic") return { kind: "other_scheme" };
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return { kind: "malformed" };
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { kind: "malformed" };
  let clientId = decoded.slice(0, colon);
  let clientSecret = decoded.slice(colon + 1);
  if (opts.formDecode) {
    try {
      clientId = decodeURIComponent(clientId.replace(/\+/g, " "));
      clientSecret = decodeURIComponent(clientSecret.replace(/\+/g, " "));
    } catch {
      return { kind: "malformed" };
    }
  }
  if (clientId === "") return { kind: "malformed" };
  return { kind: "ok", clientId, clientSecret };
}

/** The token of `Authorization: Bearer <token>`, or undefined when absent or another scheme. */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return match?.[1];
}

/** Encodes `id:secret` for a Basic header (what a well-behaved client sends). */
export function basicHeader(clientId: string, clientSecret: string, opts: { formEncode?: boolean } = {}): string {
  const enc = (v: string): string => (opts.formEncode ? encodeURIComponent(v).replace(/%20/g, "+") : v);
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`, "utf8").toString("base64")}`;
}

export type FormBody = { params: Map<string, string>; duplicates: string[] };

/** Parses an `application/x-www-form-urlencoded` body, noting parameters sent more than once. */
export function parseForm(text: string): FormBody {
  const params = new Map<string, string>();
  const duplicates: string[] = [];
  for (const [name, value] of new URLSearchParams(text)) {
    if (params.has(name)) {
      if (!duplicates.includes(name)) duplicates.push(name);
      continue;
    }
    params.set(name, value);
  }
  return { params, duplicates };
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The media type of the request without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (header(req, "content-type")?.split(";")[0] ?? "").trim().toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Faults

/**
 * Counters beyond the shared fault switches:
 * - `retryAfterSeconds`: the `Retry-After` sent with an injected 429 or 503 (default 1);
 * - `unauthorizedNext`: the next N API calls answer 401 whatever their token;
 * - `forbiddenNext`: the next N API calls answer 403.
 * The last two apply to protected API endpoints only, never to the token endpoint.
 */
export type CcFaultExtra = "retryAfterSeconds" | "unauthorizedNext" | "forbiddenNext";
export const ccFaultExtras: readonly CcFaultExtra[] = ["retryAfterSeconds", "unauthorizedNext", "forbiddenNext"];
export type CcFaultPatch = FaultPatch<CcFaultExtra>;
export type CcFaultSnapshot<K extends string> = {
  global: FaultSet<CcFaultExtra>;
  endpoints: Partial<Record<K, FaultSet<CcFaultExtra>>>;
};

const DEFAULT_RETRY_AFTER_SECONDS = 1;

type CcPreflight =
  { kind: "none" } | { kind: "timeout"; hangMs: number } | { kind: "fail"; status: number; retryAfterSeconds: number };

export class CcFaults<K extends string> {
  readonly board: FaultBoard<K, CcFaultExtra>;

  constructor(keys: readonly K[]) {
    this.board = new FaultBoard<K, CcFaultExtra>(keys, ccFaultExtras);
    this.board.set({ retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }

  set(patch: CcFaultPatch, endpoint?: K): void {
    this.board.set(patch, endpoint);
  }

  reset(): void {
    this.board.reset();
    this.board.set({ retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }

  snapshot(): CcFaultSnapshot<K> {
    return this.board.snapshot();
  }

  /**
   * Applies delay, hang and forced-status faults to one call. Returns true when the call has been
   * answered (or dropped) by a fault and the simulator must not answer it.
   */
  async intercept(
    req: IncomingMessage,
    res: ServerResponse,
    key: K,
    counters: CounterBook<K | "other">,
    failureBody: (status: number) => unknown,
  ): Promise<boolean> {
    await delay(this.board.delayMs(key), req);
    const fault = this.preflight(key);
    if (fault.kind === "timeout") {
      counters.rejected(key, "fault_timeout");
      await hang(req, res, fault.hangMs);
      return true;
    }
    if (fault.kind === "fail") {
      counters.rejected(key, `fault_${fault.status}`);
      const headers: Record<string, string> = {};
      if (fault.status === 429 || fault.status === 503) {
        headers["retry-after"] = String(fault.retryAfterSeconds);
      }
      sendJson(res, fault.status, failureBody(fault.status), headers);
      return true;
    }
    return false;
  }

  /**
   * Like FaultBoard.preflight, but the status, hang time and Retry-After come from the same fault
   * set (endpoint or global) whose counter was consumed, so a global `{failNext, status: 429}` is
   * not answered with an endpoint's older `status`.
   */
  private preflight(key: K): CcPreflight {
    const snap = this.board.snapshot();
    const own = snap.endpoints[key];
    for (const field of ["timeoutNext", "failNext"] as const) {
      const source = own && own[field] > 0 ? own : snap.global[field] > 0 ? snap.global : undefined;
      if (!source || !this.board.take(key, field)) continue;
      if (field === "timeoutNext") return { kind: "timeout", hangMs: source.hangMs };
      const retryAfter = source.retryAfterSeconds > 0 ? source.retryAfterSeconds : snap.global.retryAfterSeconds;
      return { kind: "fail", status: source.status, retryAfterSeconds: retryAfter };
    }
    return { kind: "none" };
  }

  /** Consumes one `unauthorizedNext` / `forbiddenNext` for an API call. */
  takeApiFault(key: K): "unauthorized" | "forbidden" | undefined {
    if (this.board.take(key, "unauthorizedNext")) return "unauthorized";
    if (this.board.take(key, "forbiddenNext")) return "forbidden";
    return undefined;
  }

  /** Consumes one `malformedNext`: the caller then answers with `sendMalformedJson`. */
  takeMalformed(key: K): boolean {
    return this.board.take(key, "malformedNext");
  }
}

/** A 200 whose JSON body is cut in half: what a truncated upstream answer looks like. */
export function sendMalformedJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const full = JSON.stringify(body);
  const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(cut),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(cut);
}

// ---------------------------------------------------------------------------------------------
// Counters

/** Counts per client id. */
export class ClientTally {
  private counts = new Map<string, number>();

  add(clientId: string): void {
    this.counts.set(clientId, (this.counts.get(clientId) ?? 0) + 1);
  }

  get(clientId: string): number {
    return this.counts.get(clientId) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}

export type CcCounters<K extends string> = {
  /** Every call per endpoint (`other` = unknown paths): received, succeeded, rejected by reason. */
  endpoints: Partial<Record<K | "other", EndpointCounters>>;
  /** Token requests naming each client id, whatever their outcome (faults included). */
  tokenRequestsByClient: Record<string, number>;
  /** Tokens actually issued per client id. */
  tokensIssuedByClient: Record<string, number>;
  /** API calls that presented a valid token, per client id. */
  apiCallsByClient: Record<string, number>;
};

/** Counter state of one simulator. */
export class CcCounterSet<K extends string> {
  readonly book = new CounterBook<K | "other">();
  readonly tokenRequests = new ClientTally();
  readonly tokensIssued = new ClientTally();
  readonly apiCalls = new ClientTally();

  snapshot(): CcCounters<K> {
    return {
      endpoints: this.book.snapshot(),
      tokenRequestsByClient: this.tokenRequests.snapshot(),
      tokensIssuedByClient: this.tokensIssued.snapshot(),
      apiCallsByClient: this.apiCalls.snapshot(),
    };
  }

  reset(): void {
    this.book.reset();
    this.tokenRequests.reset();
    this.tokensIssued.reset();
    this.apiCalls.reset();
  }
}

// ---------------------------------------------------------------------------------------------
// Control API

export type ClientControl = {
  /** Registers (or replaces) a client from a `POST /__sim/clients` body; returns an error or null. */
  addFromJson(body: Record<string, unknown>): string | null;
  remove(clientId: string): boolean;
  ids(): string[];
};

/**
 * `/__sim/*` for a client-credentials simulator: the shared counters/faults/reset endpoints plus
 * `GET /__sim/clients` (ids only, never secrets), `POST /__sim/clients` `{clientId, clientSecret, …}`
 * and `DELETE /__sim/clients/{clientId}`. Returns false when the path is not under `/__sim`.
 */
export async function handleCcControl<K extends string>(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  parts: {
    counters: CcCounterSet<K>;
    faults: CcFaults<K>;
    clients: ClientControl;
    reset: () => void;
  },
): Promise<boolean> {
  if (pathname === "/__sim/clients") {
    if (req.method === "GET") {
      sendJson(res, 200, { clientIds: parts.clients.ids() });
      return true;
    }
    if (req.method !== "POST") {
      sendJson(res, 405, { message: "method not allowed" }, { allow: "GET, POST" });
      return true;
    }
    const body = await readJson(req);
    if (!body.ok || !isRecord(body.value)) {
      sendJson(res, 400, { message: "body must be a JSON object" });
      return true;
    }
    const error = parts.clients.addFromJson(body.value);
    if (error) sendJson(res, 400, { message: error });
    else sendJson(res, 200, { clientIds: parts.clients.ids() });
    return true;
  }
  if (pathname.startsWith("/__sim/clients/")) {
    if (req.method !== "DELETE") {
      sendJson(res, 405, { message: "method not allowed" }, { allow: "DELETE" });
      return true;
    }
    const id = decodeURIComponent(pathname.slice("/__sim/clients/".length));
    const removed = parts.clients.remove(id);
    sendJson(res, removed ? 200 : 404, { removed });
    return true;
  }
  return handleSimControl(req, res, pathname, {
    counters: () => parts.counters.snapshot(),
    faults: () => parts.faults.snapshot(),
    applyFaults: (body) => parts.faults.board.applyJson(body),
    reset: parts.reset,
  });
}

/** Reads `clientId`/`clientSecret` strings from a control body; returns an error message or the pair. */
export function clientFromJson(body: Record<string, unknown>): SimClient | string {
  const { clientId, clientSecret } = body;
  if (typeof clientId !== "string" || clientId === "") return "clientId must be a non-empty string";
  if (typeof clientSecret !== "string" || clientSecret === "") return "clientSecret must be a non-empty string";
  return { clientId, clientSecret };
}

/** Reads a positive whole number of seconds (or undefined) from an option. */
export function positiveSeconds(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number of seconds`);
  return v;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

export type ListenOptions = { port?: number; host?: string };

/** Serves a created simulator on loopback (random port unless `port`). */
export async function listen<S extends { handler: SimHandler }>(
  sim: S,
  opts: ListenOptions = {},
): Promise<S & StartedHttpServer> {
  const server = await startHttpServer(sim.handler, { port: opts.port, host: opts.host });
  return Object.assign(sim, server);
}

/** A clock tests move by hand (`advance`) to expire tokens or slide rate windows without sleeping. */
export function createManualClock(startMs = Date.parse("2030-01-01T00:00:00Z")): {
  now: Clock;
  advance(ms: number): void;
} {
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Assembly: the handler, control API, returned object and start-up every simulator shares

/** What every client-credentials simulator offers its tests. */
export type CcSimulator<K extends string> = {
  handler: SimHandler;
  defaultClient: SimClient;
  tokenPath: string;
  counters(): CcCounters<K>;
  faults(): CcFaultSnapshot<K>;
  /** Merges fault switches globally, or for one endpoint. */
  setFaults(patch: CcFaultPatch, endpoint?: K): void;
  /** Clears counters and faults (and whatever `extraReset` clears); clients and issued tokens stay valid. */
  reset(): void;
  addClient(clientId: string, clientSecret: string): void;
  /** Removes a client; its tokens stop working too. */
  removeClient(clientId: string): boolean;
};

/** A simulator served on loopback. */
export type StartedCcSimulator<S> = S & {
  url: string;
  port: number;
  /** `${url}${tokenPath}`: stands for the provider's real token endpoint. */
  tokenUrl: string;
  /** Base of the protected API (the same server here). */
  apiBaseUrl: string;
  close(): Promise<void>;
};

/**
 * Builds the parts of a simulator that do not depend on its dialect: the request router
 * (`routes` first, then `/__sim/*`, then a counted 404 with `notFoundBody`), `reset`, and the
 * returned object. `clientFromControl` reads `POST /__sim/clients` bodies (default: id and secret).
 */
export function assembleCcSimulator<K extends string, C extends SimClient>(parts: {
  clients: ClientRegistry<C>;
  counters: CcCounterSet<K>;
  faults: CcFaults<K>;
  defaultClient: SimClient;
  tokenPath: string;
  routes: Readonly<Record<string, SimHandler>>;
  notFoundBody: unknown;
  clientFromControl: (body: Record<string, unknown>) => C | string;
  extraReset?: () => void;
}): CcSimulator<K> {
  const { clients, counters, faults } = parts;

  function reset(): void {
    counters.reset();
    faults.reset();
    parts.extraReset?.();
  }

  const handler: SimHandler = async (req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://simulator");
    const route = Object.hasOwn(parts.routes, pathname) ? parts.routes[pathname] : undefined;
    if (route) return route(req, res);
    const control = await handleCcControl(req, res, pathname, {
      counters,
      faults,
      reset,
      clients: {
        addFromJson(body) {
          const client = parts.clientFromControl(body);
          if (typeof client === "string") return client;
          clients.add(client);
          return null;
        },
        remove: (id) => clients.remove(id),
        ids: () => clients.ids(),
      },
    });
    if (control) return;
    counters.book.received("other");
    counters.book.rejected("other", "not_found");
    sendJson(res, 404, parts.notFoundBody);
  };

  return {
    handler,
    defaultClient: parts.defaultClient,
    tokenPath: parts.tokenPath,
    counters: () => counters.snapshot(),
    faults: () => faults.snapshot(),
    setFaults: (patch, endpoint) => faults.set(patch, endpoint),
    reset,
    // C only adds optional fields to SimClient, so an id and secret make a valid client.
    addClient: (clientId, clientSecret) => clients.add({ clientId, clientSecret } as C),
    removeClient: (clientId) => clients.remove(clientId),
  };
}

/** Serves a created simulator on loopback and adds its `tokenUrl` and `apiBaseUrl`. */
export async function listenCc<S extends { handler: SimHandler; tokenPath: string }>(
  sim: S,
  opts: ListenOptions = {},
): Promise<StartedCcSimulator<S>> {
  const started = await listen(sim, opts);
  return Object.assign(started, { tokenUrl: `${started.url}${sim.tokenPath}`, apiBaseUrl: started.url });
}
