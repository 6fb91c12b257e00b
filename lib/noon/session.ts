import "server-only";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import { config } from "@/lib/config/env";
import { deriveKey } from "@/lib/secrets/derive";

// The seller's browser session: sealed with iron-session under a key derived from SESSION_SECRET, HttpOnly, SameSite=Lax
// (it must come back on the top-level redirect from Noon), Secure and __Host- prefixed in production.
// It ties the browser to one seller and to the state of the authorization it started.

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
 * iron-session seals with the highest id and opens with any: 2 is the HKDF-derived key; 1, the raw
 * SESSION_SECRET, only opens sessions sealed before it (at most SELLER_SESSION_TTL_SECONDS old).
 */
function sessionPasswords(): Record<string, string> {
  const secret = config().sessionSecret;
  return { 2: deriveKey(secret, "sellerSessionCookie").toString("base64url"), 1: secret };
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
  const sealed = await sealData(session, { password: sessionPasswords(), ttl: SELLER_SESSION_TTL_SECONDS });
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
    const data = await unsealData<unknown>(sealed, { password: sessionPasswords(), ttl: SELLER_SESSION_TTL_SECONDS });
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
