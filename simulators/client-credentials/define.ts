// `defineCcSimulator`: one client-credentials simulator from its dialect. What the four (Noyo, Inyo, Nuvy,
// OAuth2) share is here: the token endpoint's and the protected API call's steps, in the same order for
// all (count, read, faults, method, the dialect's checks, issue or answer), clients, signed tokens,
// counters, faults and the `/__sim/*` control API. A dialect gives only what its provider does its own
// way: how a token request names and authenticates its client, the answers' shapes, error bodies.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JWTPayload } from "jose";
import { readBody, sendJson, startHttpServer, type SimHandler, type StartedHttpServer } from "../http";
import { ClientRegistry, clientFromJson, type SimClient } from "./clients";
import { handleCcControl } from "./control";
import { CcCounterSet, type CcCounters } from "./counters";
import { CcFaults, sendMalformedJson, type CcFaultPatch, type CcFaultSnapshot } from "./faults";
import { parseBearer, header } from "./parsing";
import { TokenSigner, systemClock, type Clock } from "./tokens";

export const BODY_LIMIT_BYTES = 64 * 1024;

export type ListenOptions = { port?: number; host?: string };

/** An answer the dialect shapes: its body and any headers beyond the defaults. */
export type DialectAnswer = { body: unknown; headers?: Record<string, string> };

/** A request the dialect refuses: the reason it is counted under, and the answer. */
export type Refusal = DialectAnswer & { reason: string; status: number };

/** A token request the dialect accepts: the authenticated client, claims of its token, and the answer's body. */
export type TokenGrant = { clientId: string; claims?: JWTPayload; answer(accessToken: string): unknown };

/** Why a protected API call is answered 401: a forced fault, no token, an expired, invalid or revoked one. */
export type Unauthorized = "forced" | "missing" | "expired" | "invalid" | "revoked";

export type CcDialect<K extends string, C extends SimClient, R> = {
  /** Names the tokens' issuer (`${name}-simulator/<uuid>`). */
  name: string;
  /** Counter and fault keys: "token" and the protected API call's. */
  endpoints: readonly K[];
  /** The client a fresh simulator knows (dev prints it; not a real credential). */
  defaultClient: C;
  /** Registered clients; default `[defaultClient]`. */
  clients?: readonly C[];
  tokenLifetimeSeconds: number;
  clock?: Clock;
  /** Body of the counted 404 for any other path. */
  notFoundBody: unknown;
  token: {
    path: string;
    /** Body of an injected `failNext` answer (and of 429/503, sent with Retry-After). */
    faultBody(status: number): unknown;
    tooLargeBody: unknown;
    methodNotAllowedBody: unknown;
    /** Headers of every answer but injected faults (e.g. RFC 6749's `pragma: no-cache`). */
    errorHeaders?: Record<string, string>;
    successHeaders?: Record<string, string>;
    /** Reads the request before faults apply; `namedClient` is counted per client whatever the outcome. */
    read(req: IncomingMessage, raw: Buffer): R & { namedClient?: string };
    /** The dialect's checks of a POST, in its provider's order: a refusal, or the grant. */
    grant(req: IncomingMessage, request: R, clients: ClientRegistry<C>): Refusal | TokenGrant;
  };
  api: {
    endpoint: K;
    path: string;
    faultBody(status: number): unknown;
    methodNotAllowedBody: unknown;
    unauthorized(why: Unauthorized): DialectAnswer;
    /** A forced 403 (`forbiddenNext`). */
    forbidden(): DialectAnswer;
    /** The reason a token of a removed client is counted under (default invalid_token). */
    revokedReason?: string;
    /** Checks after a valid token (scope, rate limits): a refusal or undefined. */
    admit?(clientId: string, claims: JWTPayload): Refusal | undefined;
    answer(clientId: string, claims: JWTPayload): unknown;
  };
  /** More routes, served before `/__sim/*` (e.g. the OAuth2 simulator's `/__sim/config`). */
  extraRoutes?: Readonly<Record<string, SimHandler>>;
  /** Reads `POST /__sim/clients` bodies (default: id and secret). */
  clientFromControl?: (body: Record<string, unknown>) => C | string;
  /** Clears more than counters and faults on reset (e.g. rate-limit windows). */
  extraReset?: () => void;
};

/** The options every client-credentials simulator takes (each dialect documents its defaults). */
export type CcSimulatorOptions<C extends SimClient = SimClient> = {
  /** Registered clients; default the dialect's one default client. */
  clients?: C[];
  /** Real lifetime of issued tokens (their JWT `exp`), in seconds. */
  tokenLifetimeSeconds?: number;
  clock?: Clock;
};

/** What every client-credentials simulator offers its tests. */
export type CcSimulator<K extends string, C extends SimClient = SimClient> = {
  handler: SimHandler;
  defaultClient: SimClient;
  tokenPath: string;
  counters(): CcCounters<K>;
  faults(): CcFaultSnapshot<K>;
  /** Merges fault switches globally, or for one endpoint. */
  setFaults(patch: CcFaultPatch, endpoint?: K): void;
  /** Clears counters and faults (and whatever `extraReset` clears); clients and issued tokens stay valid. */
  reset(): void;
  addClient(clientId: string, clientSecret: string, options?: Omit<C, keyof SimClient>): void;
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

/** Reads a positive whole number of seconds from an option (its default when unset). */
export function positiveSeconds(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number of seconds`);
  return v;
}

export function defineCcSimulator<K extends string, C extends SimClient, R>(
  dialect: CcDialect<K, C, R>,
): CcSimulator<K, C> {
  const clients = new ClientRegistry<C>(dialect.clients ?? [dialect.defaultClient]);
  const signer = new TokenSigner(dialect.name, dialect.clock ?? systemClock);
  const counters = new CcCounterSet<K>();
  const faults = new CcFaults<K>(dialect.endpoints);
  const book = counters.book;
  const { token: tokenDialect, api } = dialect;
  const tokenKey = "token" as K;

  function refuse(res: ServerResponse, key: K, refusal: Refusal, headers: Record<string, string> = {}): void {
    book.rejected(key, refusal.reason);
    sendJson(res, refusal.status, refusal.body, { ...headers, ...refusal.headers });
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const errorHeaders = tokenDialect.errorHeaders ?? {};
    book.received(tokenKey);
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT_BYTES);
    } catch {
      refuse(res, tokenKey, { reason: "body_too_large", status: 413, body: tokenDialect.tooLargeBody }, errorHeaders);
      return;
    }
    const request = tokenDialect.read(req, raw);
    if (request.namedClient) counters.tokenRequests.add(request.namedClient);
    if (await faults.intercept(req, res, tokenKey, book, tokenDialect.faultBody)) return;

    if (req.method !== "POST") {
      const body = tokenDialect.methodNotAllowedBody;
      refuse(
        res,
        tokenKey,
        { reason: "method_not_allowed", status: 405, body, headers: { allow: "POST" } },
        errorHeaders,
      );
      return;
    }
    const outcome = tokenDialect.grant(req, request, clients);
    if ("reason" in outcome) {
      refuse(res, tokenKey, outcome, errorHeaders);
      return;
    }
    const issued = await signer.issue(outcome.clientId, dialect.tokenLifetimeSeconds, outcome.claims ?? {});
    const answer = outcome.answer(issued.token);
    counters.tokensIssued.add(outcome.clientId);
    book.succeeded(tokenKey);
    const headers = tokenDialect.successHeaders ?? {};
    if (faults.takeMalformed(tokenKey)) sendMalformedJson(res, answer, headers);
    else sendJson(res, 200, answer, headers);
  }

  async function protectedCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = api.endpoint;
    const unauthorized = (reason: string, why: Unauthorized): void => {
      const { body, headers } = api.unauthorized(why);
      refuse(res, key, { reason, status: 401, body, headers });
    };
    book.received(key);
    await readBody(req, BODY_LIMIT_BYTES).catch(() => Buffer.alloc(0));
    if (await faults.intercept(req, res, key, book, api.faultBody)) return;
    if (req.method !== "GET") {
      refuse(res, key, {
        reason: "method_not_allowed",
        status: 405,
        body: api.methodNotAllowedBody,
        headers: { allow: "GET" },
      });
      return;
    }
    const forced = faults.takeApiFault(key);
    if (forced === "unauthorized") return unauthorized("fault_401", "forced");
    if (forced === "forbidden") {
      const { body, headers } = api.forbidden();
      refuse(res, key, { reason: "fault_403", status: 403, body, headers });
      return;
    }
    const bearer = parseBearer(header(req, "authorization"));
    if (bearer === undefined) return unauthorized("missing_token", "missing");
    const check = await signer.check(bearer);
    if (!check.ok) {
      return check.reason === "expired"
        ? unauthorized("expired_token", "expired")
        : unauthorized("invalid_token", "invalid");
    }
    if (!clients.get(check.clientId)) return unauthorized(api.revokedReason ?? "invalid_token", "revoked");
    const refused = api.admit?.(check.clientId, check.claims);
    if (refused) {
      refuse(res, key, refused);
      return;
    }
    counters.apiCalls.add(check.clientId);
    book.succeeded(key);
    const answer = api.answer(check.clientId, check.claims);
    if (faults.takeMalformed(key)) sendMalformedJson(res, answer);
    else sendJson(res, 200, answer);
  }

  function reset(): void {
    counters.reset();
    faults.reset();
    dialect.extraReset?.();
  }

  const routes: Readonly<Record<string, SimHandler>> = {
    ...dialect.extraRoutes,
    [tokenDialect.path]: token,
    [api.path]: protectedCall,
  };
  const clientFromControl = dialect.clientFromControl ?? ((body) => clientFromJson(body) as C | string);

  const handler: SimHandler = async (req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://simulator");
    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (route) return route(req, res);
    const control = await handleCcControl(req, res, pathname, {
      counters,
      faults,
      reset,
      clients: {
        addFromJson(body) {
          const client = clientFromControl(body);
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
    sendJson(res, 404, dialect.notFoundBody);
  };

  return {
    handler,
    defaultClient: dialect.clients?.[0] ?? dialect.defaultClient,
    tokenPath: tokenDialect.path,
    counters: () => counters.snapshot(),
    faults: () => faults.snapshot(),
    setFaults: (patch, endpoint) => faults.set(patch, endpoint),
    reset,
    // C only adds optional fields to SimClient, so an id and secret make a valid client.
    addClient: (clientId, clientSecret, options) => clients.add({ ...options, clientId, clientSecret } as C),
    removeClient: (clientId) => clients.remove(clientId),
  };
}

/** Serves a created simulator on loopback (random port unless `port`). */
export async function listen<S extends { handler: SimHandler }>(
  sim: S,
  opts: ListenOptions = {},
): Promise<S & StartedHttpServer> {
  const server = await startHttpServer(sim.handler, { port: opts.port, host: opts.host });
  return Object.assign(sim, server);
}

/** Serves a created simulator on loopback and adds its `tokenUrl` and `apiBaseUrl`. */
export async function listenCc<S extends { handler: SimHandler; tokenPath: string }>(
  sim: S,
  opts: ListenOptions = {},
): Promise<StartedCcSimulator<S>> {
  const started = await listen(sim, opts);
  return Object.assign(started, { tokenUrl: `${started.url}${sim.tokenPath}`, apiBaseUrl: started.url });
}
