import "server-only";
import { SignJWT, jwtVerify } from "jose";
import { config } from "@/lib/config/env";

// A set-password link carries a signed token naming the staff member and their current session
// version. Setting a password bumps that version, so each link works once; it also expires.
const PURPOSE = "staff.set_password";
export const SET_PASSWORD_TTL_HOURS = 72;

function key(): Uint8Array {
  // Derived from AUTH_SECRET with a distinct label so it cannot be confused with next-auth's own keys.
  return new TextEncoder().encode(`${PURPOSE}:${config().authSecret}`);
}

export async function signSetPasswordToken(staffId: string, sessionVersion: number): Promise<string> {
  return new SignJWT({ sv: sessionVersion, purpose: PURPOSE })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(staffId)
    .setIssuedAt()
    .setExpirationTime(`${SET_PASSWORD_TTL_HOURS}h`)
    .sign(key());
}

export async function verifySetPasswordToken(
  token: string,
): Promise<{ staffId: string; sessionVersion: number } | null> {
  try {
    const { payload } = await jwtVerify(token, key(), { algorithms: ["HS256"] });
    if (payload.purpose !== PURPOSE || typeof payload.sub !== "string" || typeof payload.sv !== "number") return null;
    return { staffId: payload.sub, sessionVersion: payload.sv };
  } catch {
    return null;
  }
}

/** The token rides in the fragment: browsers never send it to a server, a log or a Referer header. */
export function setPasswordUrl(token: string): string {
  return `${config().appUrl}/admin/sign-in/set-password#token=${encodeURIComponent(token)}`;
}
