// Parsing of what a client sends a token or API endpoint: Basic and Bearer authorization headers, form
// bodies (noting repeated parameters), media types.
import type { IncomingMessage } from "node:http";

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

/** A token request whose client authenticates with a Basic header (Noyo, Nuvy): read before faults apply. */
export type BasicTokenRequest = { auth: BasicAuth; raw: Buffer; namedClient?: string };

export function readBasicTokenRequest(req: IncomingMessage, raw: Buffer): BasicTokenRequest {
  const auth = parseBasicAuth(header(req, "authorization"));
  return { auth, raw, ...(auth.kind === "ok" ? { namedClient: auth.clientId } : {}) };
}

/** An RFC 6749 §5.2 error body. */
export function oauthError(error: string, description?: string): unknown {
  return description === undefined ? { error } : { error, error_description: description };
}

/** The client a fresh `<name>` simulator knows (dev prints it; not a real credential). */
export function defaultSimClient(name: string): { clientId: string; clientSecret: string } {
  return { clientId: `${name}-sim-client`, clientSecret: `${name}-sim-secret-not-for-production` };
}
