import "server-only";
import { createPrivateKey, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { z } from "zod";
import type { NoonIntegratorKey } from "@/lib/config/load";
import { config } from "@/lib/config/env";
import type { Result } from "@/lib/errors";
import { OutboundError, outboundRequest, type OutboundPolicy, type OutboundResponse } from "@/lib/http/outbound";

// Noon's identity API as docs/providers/FACTS.md describes it: an integrator session (RS256 JWT login, session in
// cookies), then token/create and token/exchange. Neither call is ever sent twice: the code and the
// access token are single-use, and a 401 does not prove Noon ignored them. After a 401 the client logs in
// again (so the next request works) and fails this one; the only resend is after a failure to connect.
// Every call goes through the one outbound client (lib/http/outbound.ts) under Noon's policy below.

export const NOON_USER_AGENT = "SellerOnboarding/1.0.0";
const DEFAULT_TIMEOUT_MS = 15_000;
/** Noon's largest answer (token/exchange with a PEM key) is a few KiB; anything far larger is refused. */
export const NOON_MAX_ANSWER_BYTES = 64 * 1024;
const CONNECT_ATTEMPTS = 3;
const MESSAGE_LIMIT = 300;

export type NoonStage = "login" | "token_create" | "token_exchange";
export type NoonFailureKind = "http" | "timeout" | "network" | "malformed" | "status" | "config" | "session_expired";

/** An expected failure of one call, safe to record and show (never carries a secret). */
export type NoonCallFailure = {
  stage: NoonStage;
  kind: NoonFailureKind;
  httpStatus: number | null;
  /** What Noon said (its error message or `status.message`), trimmed; null when nothing usable. */
  providerMessage: string | null;
  /** One line for people: what went wrong at which step. */
  message: string;
  /** Noon's tracking id when the failed answer carried one (token/exchange with status.code != 0). */
  oauthRequestId?: string;
};

export type NoonResult<T> = Result<T, NoonCallFailure>;

export type NoonClientSettings = {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  integratorKey: NoonIntegratorKey | null;
  timeoutMs?: number;
  /** The outbound call (default: outboundRequest; tests wrap it to watch what is sent). */
  send?: typeof outboundRequest;
  /** Default: ALLOW_INSECURE_PROVIDER_URLS as configured, and the port NOON_API_URL names. */
  policy?: OutboundPolicy;
  /** What the login key is, for the message when it cannot sign (default: the integrator's key). */
  keyProblem?: string;
};

/**
 * Noon's destination policy: the SSRF guard of every provider call (no private addresses, no redirects
 * followed); the port NOON_API_URL names is allowed, since the operator configured it.
 */
export function noonPolicy(apiUrl: string): OutboundPolicy {
  const port = Number(new URL(apiUrl).port);
  return {
    allowInsecure: config().allowInsecureProviderUrls,
    allowedPorts: [...config().providerAllowedPorts, ...(port ? [port] : [])],
  };
}

/** A service-account key as Noon issues it (`apijwt`): the integrator's, or a seller's from token/exchange. */
export type NoonServiceAccountKey = Pick<NoonIntegratorKey, "key_id" | "private_key" | "project_code">;

/**
 * Logs in once with a service-account key (the same RS256 login as the integrator's) and forgets the
 * session at once: success proves Noon accepts the key for that project. Never stores anything.
 */
export async function loginOnce(
  settings: { apiUrl: string; timeoutMs?: number; send?: typeof outboundRequest; policy?: OutboundPolicy },
  key: NoonServiceAccountKey,
): Promise<NoonResult<void>> {
  const client = new NoonClient({
    ...settings,
    clientId: "",
    clientSecret: "",
    integratorKey: key,
    keyProblem: "The stored key could not sign a login (it is not a usable RSA private key)",
  });
  const result = await client.ensureSession();
  client.dropSession();
  return result;
}

const createTokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.string(), z.number()]).optional(),
  scopes: z.array(z.string()).optional(),
  project_code: z.string().min(1),
});
export type CreatedToken = { accessToken: string; projectCode: string; expiresIn: string | null };

const exchangeStatusSchema = z.object({
  status: z.object({ code: z.number().int(), message: z.string().optional() }),
  oauth_request_id: z.string().optional(),
});
const exchangeSuccessSchema = z.object({
  status: z.object({ code: z.literal(0) }),
  project_code: z.string().min(1).optional(),
  oauth_request_id: z.string().min(1),
  result: z.object({
    key_id: z.string().min(1),
    private_key: z.string().includes("PRIVATE KEY"),
    channel_identifier: z.string().optional(),
    project_code: z.string().min(1),
    type: z.string().optional(),
    issued_at: z.string().optional(),
  }),
});
export type ExchangedCredential = {
  oauthRequestId: string;
  projectCode: string;
  keyId: string;
  /** The seller's new private key (PEM). Store it at once; Noon never returns it again. */
  privateKey: string;
  channelIdentifier: string | null;
  type: string | null;
  issuedAt: Date | null;
};

const errorBodySchema = z.object({
  message: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

const stageLabel: Record<NoonStage, string> = {
  login: "signing in to Noon",
  token_create: "redeeming the authorization code (token/create)",
  token_exchange: "creating the seller's credential (token/exchange)",
};

/** True when the call failed before the request could have reached the server (nothing was sent). */
function isConnectFailure(error: OutboundError): boolean {
  if (error.kind !== "network" || error.status !== undefined) return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return (
    typeof code === "string" && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"].includes(code)
  );
}

/** Keeps a provider message short and free of any value we sent (codes, tokens, secrets). */
function cleanMessage(text: string | undefined | null, secrets: readonly string[]): string | null {
  if (!text) return null;
  let out = text;
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join("[redacted]");
  out = out.replace(/\s+/g, " ").trim();
  if (!out) return null;
  return out.length > MESSAGE_LIMIT ? `${out.slice(0, MESSAGE_LIMIT)}…` : out;
}

export class NoonClient {
  private cookies = new Map<string, string>();
  private loggingIn: Promise<NoonResult<void>> | undefined;
  private signingKey: KeyObject | undefined;
  private readonly sendImpl: typeof outboundRequest;
  private readonly timeoutMs: number;
  private policy: OutboundPolicy | undefined;

  constructor(private readonly settings: NoonClientSettings) {
    this.sendImpl = settings.send ?? outboundRequest;
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.policy = settings.policy;
  }

  /** True while this process holds session cookies from a login. */
  get hasSession(): boolean {
    return this.cookies.size > 0;
  }

  /** Forgets the session (the next call logs in again). */
  dropSession(): void {
    this.cookies.clear();
  }

  /** Redeems an authorization code: POST /identity/oauth/v1/token/create. */
  async createToken(code: string): Promise<NoonResult<CreatedToken>> {
    const { clientId, clientSecret } = this.settings;
    const body = { grant_type: "authorization_code", code, client_id: clientId, client_secret: clientSecret };
    const res = await this.callWithSession("token_create", "/identity/oauth/v1/token/create", body, [
      code,
      clientSecret,
    ]);
    if (!res.ok) return res;
    const parsed = createTokenSchema.safeParse(res.data.json);
    if (!parsed.success) return this.malformed("token_create", res.data.status, parsed.error);
    return {
      ok: true,
      data: {
        accessToken: parsed.data.access_token,
        projectCode: parsed.data.project_code,
        expiresIn: parsed.data.expires_in === undefined ? null : String(parsed.data.expires_in),
      },
    };
  }

  /** Turns the access token into the seller's service-account key: POST /identity/oauth/v1/token/exchange. */
  async exchangeToken(accessToken: string): Promise<NoonResult<ExchangedCredential>> {
    const res = await this.callWithSession(
      "token_exchange",
      "/identity/oauth/v1/token/exchange",
      { access_token: accessToken },
      [accessToken],
    );
    if (!res.ok) return res;
    const status = exchangeStatusSchema.safeParse(res.data.json);
    if (!status.success) return this.malformed("token_exchange", res.data.status, status.error);
    if (status.data.status.code !== 0) {
      const providerMessage = cleanMessage(status.data.status.message, [accessToken]);
      return {
        ok: false,
        error: {
          stage: "token_exchange",
          kind: "status",
          httpStatus: res.data.status,
          providerMessage,
          message: `Noon refused ${stageLabel.token_exchange}: status code ${status.data.status.code}${providerMessage ? ` (${providerMessage})` : ""}`,
          ...(status.data.oauth_request_id ? { oauthRequestId: status.data.oauth_request_id } : {}),
        },
      };
    }
    const parsed = exchangeSuccessSchema.safeParse(res.data.json);
    if (!parsed.success) return this.malformed("token_exchange", res.data.status, parsed.error);
    const r = parsed.data.result;
    const issuedAt = r.issued_at ? new Date(r.issued_at) : null;
    return {
      ok: true,
      data: {
        oauthRequestId: parsed.data.oauth_request_id,
        projectCode: r.project_code,
        keyId: r.key_id,
        privateKey: r.private_key,
        channelIdentifier: r.channel_identifier ?? null,
        type: r.type ?? null,
        issuedAt: issuedAt && !Number.isNaN(issuedAt.getTime()) ? issuedAt : null,
      },
    };
  }

  /** Logs in when there is no session (one login at a time per process). */
  async ensureSession(): Promise<NoonResult<void>> {
    if (this.cookies.size > 0) return { ok: true, data: undefined };
    return this.login();
  }

  private login(): Promise<NoonResult<void>> {
    this.loggingIn ??= this.doLogin().finally(() => {
      this.loggingIn = undefined;
    });
    return this.loggingIn;
  }

  private async doLogin(): Promise<NoonResult<void>> {
    const key = this.settings.integratorKey;
    if (!key) {
      return this.failure(
        "login",
        "config",
        null,
        null,
        "Noon is not fully configured: NOON_INTEGRATOR_KEY_FILE or NOON_INTEGRATOR_KEY is missing",
      );
    }
    let jwt: string;
    try {
      this.signingKey ??= createPrivateKey(key.private_key);
      // Exactly sub, iat, jti: Noon is reported to refuse extra claims.
      jwt = await new SignJWT({})
        .setProtectedHeader({ alg: "RS256", typ: "JWT" })
        .setSubject(key.key_id)
        .setIssuedAt()
        .setJti(randomUUID())
        .sign(this.signingKey);
    } catch {
      return this.failure(
        "login",
        "config",
        null,
        null,
        this.settings.keyProblem ??
          "The Noon integrator key could not be used to sign the login (check NOON_INTEGRATOR_KEY)",
      );
    }
    const res = await this.send(
      "login",
      "/identity/public/v1/api/login",
      { token: jwt, default_project_code: key.project_code },
      false,
    );
    if (!res.ok) return res;
    if (res.data.status !== 200) return this.httpFailure("login", res.data.status, res.data.json, [jwt]);
    const fresh = new Map<string, string>();
    for (const line of res.data.setCookies) {
      const pair = line.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      fresh.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    if (fresh.size === 0) {
      return this.failure("login", "malformed", 200, null, "Noon accepted the login but set no session cookie");
    }
    this.cookies = fresh;
    return { ok: true, data: undefined };
  }

  /**
   * One authenticated call, sent once. On 401 (the session is gone) it logs in again so the next call
   * works, and fails this one: both of Noon's calls carry a value it accepts only once.
   */
  private async callWithSession(
    stage: NoonStage,
    path: string,
    body: unknown,
    secrets: string[],
  ): Promise<NoonResult<{ status: number; json: unknown }>> {
    const session = await this.ensureSession();
    if (!session.ok)
      return {
        ok: false,
        error: { ...session.error, message: `${session.error.message} (before ${stageLabel[stage]})` },
      };
    const res = await this.send(stage, path, body, true);
    if (!res.ok) return res;
    if (res.data.status === 401) {
      this.dropSession();
      const relogin = await this.login();
      return this.failure(
        stage,
        "session_expired",
        401,
        null,
        `Noon refused our integrator session while ${stageLabel[stage]}; ` +
          (relogin.ok
            ? "we signed in again, but "
            : `signing in again failed as well (${relogin.error.message}), and `) +
          "what Noon accepts only once was not sent a second time: the seller must start the connection again",
      );
    }
    if (res.data.status !== 200) return this.httpFailure(stage, res.data.status, res.data.json, secrets);
    if (res.data.json === undefined)
      return this.failure(
        stage,
        "malformed",
        res.data.status,
        null,
        `Noon's answer to ${stageLabel[stage]} is not JSON`,
      );
    return { ok: true, data: { status: res.data.status, json: res.data.json } };
  }

  /** Sends one POST; retries only when the connection could not be made (nothing reached Noon). */
  private async send(
    stage: NoonStage,
    path: string,
    body: unknown,
    withSession: boolean,
  ): Promise<NoonResult<{ status: number; json: unknown; setCookies: string[] }>> {
    const url = `${this.settings.apiUrl.replace(/\/+$/, "")}${path}`;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": NOON_USER_AGENT,
    };
    if (withSession) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    for (let attempt = 1; ; attempt++) {
      let response: OutboundResponse;
      try {
        this.policy ??= noonPolicy(this.settings.apiUrl);
        response = await this.sendImpl(
          url,
          {
            method: "POST",
            headers,
            body: JSON.stringify(body),
            timeoutMs: this.timeoutMs,
            maxBytes: NOON_MAX_ANSWER_BYTES,
          },
          this.policy,
        );
      } catch (error) {
        if (!(error instanceof OutboundError)) throw error;
        if (isConnectFailure(error) && attempt < CONNECT_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 200 * attempt));
          continue;
        }
        return this.outboundFailure(stage, error);
      }
      let json: unknown;
      try {
        json = response.text ? (JSON.parse(response.text) as unknown) : undefined;
      } catch {
        json = undefined;
      }
      return { ok: true, data: { status: response.status, json, setCookies: response.setCookies } };
    }
  }

  /** A call that brought no usable answer, said for people (the outbound client's kinds, Noon's words). */
  private outboundFailure(stage: NoonStage, error: OutboundError): NoonResult<never> {
    const status = error.status ?? null;
    const within = `within ${Math.round(this.timeoutMs / 1000)} s while ${stageLabel[stage]}`;
    switch (error.kind) {
      case "redirect":
        // Not followed: Noon answered something other than 200, like any other refusal.
        return this.httpFailure(stage, status ?? 0, undefined, []);
      case "too-large":
        return this.failure(
          stage,
          "malformed",
          status,
          null,
          `Noon's answer to ${stageLabel[stage]} was larger than ${NOON_MAX_ANSWER_BYTES / 1024} KiB and was refused`,
        );
      case "timeout":
        return this.failure(
          stage,
          "timeout",
          status,
          null,
          status === null ? `Noon did not answer ${within}` : `Noon did not finish answering ${within}`,
        );
      case "unsafe-url":
        return this.failure(stage, "config", null, null, `NOON_API_URL is refused: ${error.message}`);
      case "network":
        if (status !== null)
          return this.failure(
            stage,
            "network",
            status,
            null,
            `The connection to Noon broke while ${stageLabel[stage]}`,
          );
        return this.failure(
          stage,
          "network",
          null,
          null,
          `Noon could not be reached while ${stageLabel[stage]} (${isConnectFailure(error) ? "could not connect" : "the connection failed"})`,
        );
    }
  }

  private httpFailure(stage: NoonStage, status: number, json: unknown, secrets: string[]): NoonResult<never> {
    const body = errorBodySchema.safeParse(json);
    const raw = body.success ? (body.data.message ?? body.data.error_description ?? body.data.error) : undefined;
    const providerMessage = cleanMessage(raw, [...secrets, this.settings.clientSecret]);
    return this.failure(
      stage,
      "http",
      status,
      providerMessage,
      `Noon answered HTTP ${status} while ${stageLabel[stage]}${providerMessage ? `: ${providerMessage}` : ""}`,
    );
  }

  private malformed(stage: NoonStage, status: number, error: z.ZodError): NoonResult<never> {
    // Only field paths, never values: the body may hold the key or the token.
    const fields = [...new Set(error.issues.map((i) => i.path.join(".") || "(body)"))].slice(0, 5).join(", ");
    return this.failure(
      stage,
      "malformed",
      status,
      null,
      `Noon's answer to ${stageLabel[stage]} did not have the expected shape (${fields})`,
    );
  }

  private failure(
    stage: NoonStage,
    kind: NoonFailureKind,
    httpStatus: number | null,
    providerMessage: string | null,
    message: string,
  ): NoonResult<never> {
    return { ok: false, error: { stage, kind, httpStatus, providerMessage, message } };
  }
}
