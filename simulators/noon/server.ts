// The Noon simulator assembled: the consent pages (oauth.noon.partners) and the identity API
// (noon-api-gateway.noon.partners) on one loopback server, after the `/__sim/*` control API. How it is
// built and what it refuses: simulators/README.md.
import { generateKeyPair, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import {
  boardControl,
  CounterBook,
  handleSimControl,
  startHttpServer,
  type FaultPatch,
  type SimHandler,
} from "../http";
import { apiError, createApiChecks } from "./api";
import { createConsentRoutes } from "./consent";
import type { NoonContext } from "./context";
import { handleKeyControl } from "./control";
import {
  applyPreflight,
  createNoonFaults,
  type NoonEndpoint,
  type NoonFaultBoard,
  type NoonFaultCounter,
} from "./faults";
import { createIdentityRoutes } from "./identity";
import {
  clearState,
  createState,
  exportPrivate,
  issueAuthorizationCode,
  random,
  randomProjectCode,
  revokeKey,
  type NoonKeyFile,
  type NoonPrivateKeyFormat,
  type NoonSimulatorState,
} from "./state";
import { createTokenRoutes } from "./tokens";

const generateKeyPairAsync = promisify(generateKeyPair);

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

export type NoonSimulator = {
  handler: SimHandler;
  state: NoonSimulatorState;
  counters: CounterBook<NoonEndpoint>;
  faults: NoonFaultBoard;
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

  const state = createState();
  const counters = new CounterBook<NoonEndpoint>();
  const faults = createNoonFaults();
  const ctx: NoonContext = {
    state,
    counters,
    faults,
    now,
    clientId,
    clientSecret,
    redirect,
    integratorKey,
    integratorPublicKey: integratorPair.publicKey,
    keyFormat,
    loginMaxAgeSeconds: opts.loginMaxAgeSeconds ?? 300,
    sessionTtlMs: opts.sessionTtlMs ?? 30 * 24 * 60 * 60 * 1000,
    // form-action also governs the 303 after the form post, so the redirect URI's origin is listed.
    pageHeaders: {
      "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${redirect.origin}; frame-ancestors 'none'; base-uri 'none'`,
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    },
    signingKey,
    sellerKeyPair,
  };

  const reset = (): void => {
    clearState(state);
    counters.reset();
    faults.reset();
  };

  const checks = createApiChecks(ctx);
  const { authorize, decision } = createConsentRoutes(ctx, checks);
  const { login, whoami } = createIdentityRoutes(ctx, checks);
  const { create, exchange } = createTokenRoutes(ctx, checks);
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

  const handler: SimHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (await handleKeyControl(ctx, req, res, url)) return;
    if (await handleSimControl(req, res, url.pathname, boardControl(counters, faults, reset))) return;
    const route = routes[url.pathname];
    if (!route) {
      counters.received("other");
      counters.rejected("other", "not_found");
      apiError(res, 404, "not found");
      return;
    }
    counters.received(route.ep);
    if (await applyPreflight(faults, counters, req, res, route.ep)) return;
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
    issueAuthorizationCode: (o = {}) =>
      issueAuthorizationCode(state, now(), {
        clientId: o.clientId ?? clientId,
        projectCode: o.projectCode ?? randomProjectCode(),
      }),
    revokeKey: (keyId) => revokeKey(state, keyId, now()),
  };
}

export async function startNoonSimulator(opts: NoonSimulatorOptions): Promise<StartedNoonSimulator> {
  const sim = createNoonSimulator(opts);
  const server = await startHttpServer(sim.handler, opts.port === undefined ? {} : { port: opts.port });
  return { ...sim, url: server.url, authorizeUrl: `${server.url}/authorize`, apiUrl: server.url, close: server.close };
}
