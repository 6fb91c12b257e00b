import "server-only";
import { db } from "@/lib/db/client";

// Failed sign-ins are slowed (a growing delay) and then locked out, per account and per client address.
export const THROTTLE = {
  windowMinutes: 15,
  accountLockAfter: 5,
  addressLockAfter: 20,
  lockMinutes: 15,
  /** Delay before answering, per failure already counted: 250 ms, 500 ms, 1 s … up to 4 s. */
  baseDelayMs: 250,
  maxDelayMs: 4000,
} as const;

export const accountKey = (email: string) => `email:${email.toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;

export interface ThrottleState {
  lockedUntil: Date | null;
  accountFailures: number;
  addressFailures: number;
}

/** Current state of an account and an address: the latest lock and each failure count in the window. */
export async function throttleState(email: string, ip: string | null): Promise<ThrottleState> {
  const keys = [accountKey(email), ...(ip ? [addressKey(ip)] : [])];
  const rows = await db().signInThrottle.findMany({ where: { key: { in: keys } } });
  const now = Date.now();
  const windowStart = now - THROTTLE.windowMinutes * 60_000;
  let lockedUntil: Date | null = null;
  const failures = (key: string) => {
    const row = rows.find((r) => r.key === key);
    return row && row.windowStart.getTime() >= windowStart ? row.failures : 0;
  };
  for (const row of rows) {
    if (row.lockedUntil && row.lockedUntil.getTime() > now && (!lockedUntil || row.lockedUntil > lockedUntil)) lockedUntil = row.lockedUntil;
  }
  return { lockedUntil, accountFailures: failures(accountKey(email)), addressFailures: ip ? failures(addressKey(ip)) : 0 };
}

/**
 * How long to wait before checking a password. The account's own failures count from the first; an
 * address (possibly an office shared by many people) starts slowing everyone only after 10.
 */
export function delayFor(state: Pick<ThrottleState, "accountFailures" | "addressFailures">): number {
  const failures = Math.max(state.accountFailures, state.addressFailures - 10);
  if (failures <= 0) return 0;
  return Math.min(THROTTLE.baseDelayMs * 2 ** (failures - 1), THROTTLE.maxDelayMs);
}

/** Counts one failure atomically (a new window starts after the old one ends) and locks at the limit. */
export async function recordFailure(key: string, lockAfter: number): Promise<void> {
  const windowMs = THROTTLE.windowMinutes * 60_000;
  const lockMs = THROTTLE.lockMinutes * 60_000;
  await db().$executeRaw`
    INSERT INTO sign_in_throttles (key, failures, window_start, locked_until)
    VALUES (${key}, 1, now(), NULL)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN sign_in_throttles.window_start < now() - make_interval(secs => ${windowMs / 1000}) THEN 1 ELSE sign_in_throttles.failures + 1 END,
      window_start = CASE WHEN sign_in_throttles.window_start < now() - make_interval(secs => ${windowMs / 1000}) THEN now() ELSE sign_in_throttles.window_start END,
      locked_until = CASE
        WHEN sign_in_throttles.window_start >= now() - make_interval(secs => ${windowMs / 1000})
         AND sign_in_throttles.failures + 1 >= ${lockAfter}
        THEN now() + make_interval(secs => ${lockMs / 1000})
        ELSE sign_in_throttles.locked_until END`;
}

export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  await recordFailure(accountKey(email), THROTTLE.accountLockAfter);
  if (ip) await recordFailure(addressKey(ip), THROTTLE.addressLockAfter);
}

/** A successful sign-in clears the account's counter (the address's counter runs out by itself). */
export async function clearAccountThrottle(email: string): Promise<void> {
  await db().signInThrottle.deleteMany({ where: { key: accountKey(email) } });
}
