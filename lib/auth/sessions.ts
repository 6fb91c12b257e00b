import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";
import { SESSION_LIMITS } from "@/lib/auth/session-policy";

// Staff sessions are JWT cookies; signing out must end one on the server too, on every instance. Each
// session carries a random id (`sid`); signing out records it in `revoked_sessions` until the session
// would have ended anyway (its absolute limit), and every request refuses a recorded id.

export const newSessionId = () => randomBytes(32).toString("base64url");

/** Ends the session `sid` everywhere. `authAtSeconds`: its sign-in time, which bounds how long to remember it. */
export async function revokeSession({
  sid,
  staffId,
  authAtSeconds,
}: {
  sid: string;
  staffId: string;
  authAtSeconds: number;
}): Promise<void> {
  const expiresAt = new Date((authAtSeconds + SESSION_LIMITS.absoluteSeconds) * 1000);
  await db().revokedSession.createMany({ data: [{ id: sid, staffId, expiresAt }], skipDuplicates: true });
  // Ids past their session's absolute limit can no longer be presented: forget them.
  await db().revokedSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
}

export async function isSessionRevoked(sid: string): Promise<boolean> {
  return (await db().revokedSession.count({ where: { id: sid } })) > 0;
}
