import "server-only";
import { hkdfSync, webcrypto } from "node:crypto";
import { unsealData } from "iron-session";
import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";
import { config } from "@/lib/config/env";
import { deriveKey } from "@/lib/secrets/derive";

// The seller's browser session: an encrypted JWT (JWE, `dir` + A256GCM, jose) under a key derived from
// SESSION_SECRET, HttpOnly, SameSite=Lax (it must come back on the top-level redirect from Noon), Secure and
// __Host- prefixed in production. It ties the browser to one seller and to the state of the authorization it
// started. Cookies sealed before by iron-session (`Fe26.2*…`, at most SELLER_SESSION_TTL_SECONDS old) still open.

/** Long enough to read the page, approve on Noon and come back; short enough to go stale quickly. */
export const SELLER_SESSION_TTL_SECONDS = 60 * 60;

const sessionSchema = z.object({
  sellerId: z.string().uuid(),
  linkId: z.string().uuid(),
  /** The authorization this browser started last, with its state in clear (sealed in the cookie). */
  pending: z.object({ authorizationId: z.string().uuid(), state: z.string().min(1) }).optional(),
});
export type SellerSession = z.infer<typeof sessionSchema>;

/**
 * The passwords of cookies sealed by iron-session (before the JWE): 2 is the HKDF-derived key; 1, the raw
 * SESSION_SECRET. Only opened, never sealed with, until the last such cookie has expired.
 */
function ironPasswords(): Record<string, string> {
  const secret = config().sessionSecret;
  return { 2: deriveKey(secret, "sellerSessionCookie").toString("base64url"), 1: secret };
}

const IRON_PREFIX = "Fe26.2*";
/** The JWE's key id: names this key in the header, for a later rotation. */
const KEY_ID = "seller-session-3";
const DECRYPT_OPTIONS = {
  keyManagementAlgorithms: ["dir"],
  contentEncryptionAlgorithms: ["A256GCM"],
  requiredClaims: ["exp", "iat"],
  maxTokenAge: `${SELLER_SESSION_TTL_SECONDS}s`,
};

// One AES key per SESSION_SECRET, imported once: sealing then costs one AES-GCM operation (iron-session ran
// two PBKDF2 derivations, AES-CBC and an HMAC per seal and per open).
let jweKey: { secret: string; key: Promise<webcrypto.CryptoKey> } | undefined;
function sessionKey(): Promise<webcrypto.CryptoKey> {
  const secret = config().sessionSecret;
  if (jweKey?.secret !== secret) {
    // A sub-key of the session-cookie key (lib/secrets/derive.ts), for this one use: A256GCM.
    const raw = Buffer.from(
      hkdfSync("sha256", deriveKey(secret, "sellerSessionCookie"), Buffer.alloc(0), "seller-session/jwe/A256GCM", 32),
    );
    jweKey = {
      secret,
      key: webcrypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]),
    };
  }
  return jweKey.key;
}

export function sellerSessionCookieName(): string {
  return config().isProduction ? "__Host-seller-session" : "seller-session";
}

function cookieAttributes(maxAge: number): string {
  const parts = ["Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`];
  if (config().isProduction) parts.push("Secure");
  return parts.join("; ");
}

/** The Set-Cookie value that stores `session` in the browser. */
export async function sellerSessionCookie(session: SellerSession): Promise<string> {
  const sealed = await new EncryptJWT(sessionSchema.parse(session))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: KEY_ID })
    .setIssuedAt()
    .setExpirationTime(`${SELLER_SESSION_TTL_SECONDS}s`)
    .encrypt(await sessionKey());
  return `${sellerSessionCookieName()}=${sealed}; ${cookieAttributes(SELLER_SESSION_TTL_SECONDS)}`;
}

/** The Set-Cookie value that removes the session. */
export function clearSellerSessionCookie(): string {
  return `${sellerSessionCookieName()}=; ${cookieAttributes(0)}`;
}

/** Unseals a sealed session value; null when absent, tampered with, expired or of another shape. */
export async function unsealSellerSession(sealed: string | undefined | null): Promise<SellerSession | null> {
  if (!sealed) return null;
  try {
    const data = sealed.startsWith(IRON_PREFIX)
      ? await unsealData<unknown>(sealed, { password: ironPasswords(), ttl: SELLER_SESSION_TTL_SECONDS })
      : (await jwtDecrypt(sealed, await sessionKey(), DECRYPT_OPTIONS)).payload;
    // The JWT's own claims (iat, exp) are dropped here.
    const parsed = sessionSchema.safeParse(data);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The session from a request's Cookie header (route handlers). */
export async function readSellerSession(cookieHeader: string | null): Promise<SellerSession | null> {
  if (!cookieHeader) return null;
  const name = sellerSessionCookieName();
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return unsealSellerSession(part.slice(eq + 1).trim());
  }
  return null;
}

/** The session in a server component (next/headers). */
export async function readSellerSessionFromCookies(): Promise<SellerSession | null> {
  const { cookies } = await import("next/headers");
  const store = await cookies();
  return unsealSellerSession(store.get(sellerSessionCookieName())?.value);
}
