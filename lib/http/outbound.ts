import "server-only";
// Every call to a provider goes through here: https only, never to a private/loopback/link-local address
// (checked at connect time, on the address actually used, so DNS rebinding cannot slip past; the ranges are in
// ./addresses.ts), the scheme's default port unless PROVIDER_ALLOWED_PORTS names another, no redirects
// followed, and a hard timeout. `ALLOW_INSECURE_PROVIDER_URLS=1` (tests, simulators) lets http:// loopback through.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { config } from "@/lib/config/env";
import { isLoopbackAddress as isLoopback, isPrivateAddress } from "./addresses";

export type OutboundErrorKind = "unsafe-url" | "timeout" | "network" | "redirect" | "too-large";

/**
 * A call that did not produce an answer we can use. `message` is safe to show (no secrets, no bodies).
 * `status` is set when the answer had begun (a redirect, too large, or cut off or timed out mid-body).
 */
export class OutboundError extends Error {
  readonly status: number | undefined;
  constructor(
    readonly kind: OutboundErrorKind,
    message: string,
    opts: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "OutboundError";
    this.status = opts.status;
  }
}

export interface OutboundRequest {
  method: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Whole-call deadline (connect + answer); default 10 s. */
  timeoutMs?: number;
  /** Answers larger than this are refused; default 256 KiB (token answers are tiny). */
  maxBytes?: number;
}

export interface OutboundResponse {
  status: number;
  /** Repeated headers joined with ", " (Set-Cookie apart: see setCookies). */
  headers: Record<string, string>;
  /** Every Set-Cookie line, one per cookie (their Expires dates hold commas). */
  setCookies: string[];
  text: string;
  /** Milliseconds from the start of the call to the end of the answer. */
  latencyMs: number;
}

export interface OutboundPolicy {
  allowInsecure: boolean;
  /** Ports other than the scheme's default that provider URLs may name (PROVIDER_ALLOWED_PORTS). */
  allowedPorts?: readonly number[];
}

const defaultPolicy = (): OutboundPolicy => ({
  allowInsecure: config().allowInsecureProviderUrls,
  allowedPorts: config().providerAllowedPorts,
});

// ───────────────────────── address checks ─────────────────────────

export { isPrivateAddress } from "./addresses";

/**
 * Checks a provider URL's form (not its addresses, which are checked at connect time).
 * Returns a message for people, or null when the URL is acceptable.
 */
export function providerUrlProblem(value: string, policy: OutboundPolicy = defaultPolicy()): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a valid URL";
  }
  if (url.username || url.password) return "must not contain a user name or password";
  if (url.hash) return "must not contain a #fragment";
  // The URL parser drops a scheme's default port, so any port left here is a non-default one.
  if (url.port && !policy.allowInsecure && !(policy.allowedPorts ?? []).includes(Number(url.port))) {
    return `must use the standard port (not :${url.port}) unless PROVIDER_ALLOWED_PORTS lists it`;
  }
  if (url.protocol === "https:") {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (isIP(host) && isPrivateAddress(host) && !(policy.allowInsecure && isLoopback(host))) {
      return "must not point to a private, loopback or link-local address";
    }
    if (!isIP(host) && (host === "localhost" || host.endsWith(".localhost")) && !policy.allowInsecure) {
      return "must not point to a private, loopback or link-local address";
    }
    return null;
  }
  if (url.protocol === "http:" && policy.allowInsecure) {
    const host = url.hostname;
    if (host === "localhost" || isLoopback(host)) return null;
    return "may use http:// only for loopback addresses (ALLOW_INSECURE_PROVIDER_URLS=1)";
  }
  return "must start with https://";
}

/** A DNS lookup that refuses private addresses (every one the name resolves to is checked). */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 4);
      const list = Array.isArray(addresses) ? addresses : [];
      const refused = list.find((a) => isPrivateAddress(a.address) && !(policy.allowInsecure && isLoopback(a.address)));
      if (refused || list.length === 0) {
        const e = new OutboundError("unsafe-url", `${hostname} resolves to a private, loopback or link-local address`);
        return callback(e as NodeJS.ErrnoException, "", 4);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

// Kept-alive connections, one pool per scheme and per address rule: every pooled socket was opened through
// guardedLookup under the same allowInsecure as the call that reuses it, so reuse never skips the check. Idle
// sockets close after 4 s, before the usual 5 s keep-alive of servers, so a reused one is rarely stale. Every
// socket a burst opened stays for the next calls: keeping only 8 made 42 of 50 concurrent Noon callbacks open
// a new connection (a TLS handshake each in production) in every following burst (outbound.test.ts).
const agents = new Map<string, http.Agent>();
function keepAliveAgent(secure: boolean, policy: OutboundPolicy): http.Agent {
  const key = `${secure ? "https" : "http"}:${policy.allowInsecure}`;
  let agent = agents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64, timeout: 4_000 };
    agent = secure ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * One outbound HTTP call under the safety rules. Resolves with any status except 3xx (redirects are
 * refused, not followed); rejects with OutboundError when no usable answer came.
 */
export function outboundRequest(
  target: string,
  req: OutboundRequest,
  policy: OutboundPolicy = defaultPolicy(),
): Promise<OutboundResponse> {
  const problem = providerUrlProblem(target, policy);
  if (problem) return Promise.reject(new OutboundError("unsafe-url", `The provider URL ${problem}.`));
  const url = new URL(target);
  const timeoutMs = req.timeoutMs ?? 10_000;
  const maxBytes = req.maxBytes ?? 256 * 1024;
  const started = performance.now();
  const transport = url.protocol === "https:" ? https : http;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && isPrivateAddress(host) && !(policy.allowInsecure && isLoopback(host))) {
    return Promise.reject(new OutboundError("unsafe-url", "The provider URL must not point to a private address."));
  }

  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    let answered: number | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const request = transport.request(
      url,
      {
        method: req.method,
        headers: {
          accept: "application/json",
          "user-agent": "SellerOnboarding/1.0.0",
          ...(req.body !== undefined ? { "content-length": String(Buffer.byteLength(req.body)) } : {}),
          ...req.headers,
        },
        lookup: guardedLookup(policy),
        agent: keepAliveAgent(url.protocol === "https:", policy),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        answered = status;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
        }
        if (status >= 300 && status < 400) {
          res.resume();
          request.destroy();
          finish(() =>
            reject(
              new OutboundError(
                "redirect",
                `The provider answered with a redirect (${status}), which is not followed.`,
                { status },
              ),
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy();
            finish(() =>
              reject(new OutboundError("too-large", `The provider's answer exceeded ${maxBytes} bytes.`, { status })),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          finish(() =>
            resolve({
              status,
              headers,
              setCookies: res.headers["set-cookie"] ?? [],
              text: Buffer.concat(chunks).toString("utf8"),
              latencyMs: Math.round(performance.now() - started),
            }),
          ),
        );
        res.on("error", (error) =>
          finish(() =>
            reject(new OutboundError("network", "The connection to the provider broke off.", { cause: error, status })),
          ),
        );
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish(() =>
        reject(
          new OutboundError("timeout", `The provider did not answer within ${Math.round(timeoutMs / 1000)} s.`, {
            status: answered,
          }),
        ),
      );
    }, timeoutMs);
    request.on("error", (error) => {
      if (error instanceof OutboundError) return finish(() => reject(error));
      // Cut off after the answer began: the body never arrived whole.
      if (answered !== undefined)
        return finish(() =>
          reject(
            new OutboundError("network", "The connection to the provider broke off.", {
              cause: error,
              status: answered,
            }),
          ),
        );
      const code = (error as NodeJS.ErrnoException).code;
      const what =
        code === "ENOTFOUND" || code === "EAI_AGAIN"
          ? `the host ${url.hostname} could not be found`
          : code === "ECONNREFUSED"
            ? "the connection was refused"
            : "the connection failed";
      finish(() =>
        reject(
          new OutboundError("network", `Could not reach the provider: ${what}${code ? ` (${code})` : ""}.`, {
            cause: error,
          }),
        ),
      );
    });
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}

/** Seconds or an HTTP date in `Retry-After`, as milliseconds (undefined when absent or unreadable). */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
