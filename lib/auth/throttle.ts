import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";

// Sign-in attempts are counted before any password is checked, so concurrent attempts cannot outrun the
// count. Three keys per attempt; past its free attempts a key waits 1 min·2^k (capped) before the next:
//   pair    – one account from one address: the attacker at that address is slowed to one guess per cap;
//   account – one account from anywhere (guessing spread over many addresses): capped at the first wait,
//             so the owner signing in from elsewhere waits at most a minute, never forever;
//   address – one address across accounts (password spraying).
// A key is forgotten after an hour without attempts; a successful sign-in clears the account's keys and
// gives the address its attempt back.
export const THROTTLE = {
  pair: { free: 5, capMs: 15 * 60_000 },
  account: { free: 5, capMs: 60_000 },
  address: { free: 20, capMs: 15 * 60_000 },
  baseDelayMs: 60_000,
  forgetAfterMs: 60 * 60_000,
} as const;

type KeyKind = "pair" | "account" | "address";

export const accountKey = (email: string) => `email:${email.toLowerCase()}`;
export const addressKey = (ip: string) => `ip:${ip}`;
export const pairKey = (email: string, ip: string | null) => `email-ip:${email.toLowerCase()}|${ip ?? "unknown"}`;

/** The wait after `attempts` counted attempts on a key of this kind (0 while attempts are free). */
export function delayAfter(kind: KeyKind, attempts: number): number {
  const { free, capMs } = THROTTLE[kind];
  if (attempts < free) return 0;
  return Math.min(THROTTLE.baseDelayMs * 2 ** (attempts - free), capMs);
}

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Row {
  key: string;
  attempts: number;
  last_attempt_at: Date;
  blocked_until: Date | null;
}

/**
 * Reserves one sign-in attempt for `email` from `ip`, atomically across every instance: the keys' rows are
 * locked, and the attempt is either counted on all of them or refused (counted on none) while any key
 * still waits. Only an allowed attempt may check a password.
 */
export async function reserveSignInAttempt({
  email,
  ip,
  now = new Date(),
}: {
  email: string;
  ip: string | null;
  now?: Date;
}): Promise<AttemptDecision> {
  const keys: Array<[string, KeyKind]> = [
    [pairKey(email, ip), "pair"],
    [accountKey(email), "account"],
    ...(ip ? [[addressKey(ip), "address"] as [string, KeyKind]] : []),
  ];
  const names = keys.map(([key]) => key);
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO sign_in_throttles (key, attempts, last_attempt_at)
      SELECT k, 0, ${now} FROM unnest(${names}::text[]) AS k
      ON CONFLICT (key) DO NOTHING`;
    // One order for every caller: concurrent attempts on overlapping keys queue instead of deadlocking.
    const rows = await tx.$queryRaw<Row[]>`
      SELECT key, attempts, last_attempt_at, blocked_until FROM sign_in_throttles
      WHERE key = ANY(${names}::text[]) ORDER BY key FOR UPDATE`;
    const waits = rows.map((row) => (row.blocked_until ? row.blocked_until.getTime() - now.getTime() : 0));
    const longest = Math.max(0, ...waits);
    if (longest > 0) return { allowed: false, retryAfterMs: longest } as const;
    const updates = rows.map((row) => {
      const kind = keys.find(([key]) => key === row.key)?.[1] ?? "pair";
      const forgotten = now.getTime() - row.last_attempt_at.getTime() > THROTTLE.forgetAfterMs;
      const attempts = (forgotten ? 0 : row.attempts) + 1;
      const delay = delayAfter(kind, attempts);
      return Prisma.sql`(${row.key}, ${attempts}::int, ${delay > 0 ? new Date(now.getTime() + delay) : null}::timestamptz(3))`;
    });
    await tx.$executeRaw`
      UPDATE sign_in_throttles AS t SET attempts = v.attempts, last_attempt_at = ${now}, blocked_until = v.blocked_until
      FROM (VALUES ${Prisma.join(updates)}) AS v(key, attempts, blocked_until)
      WHERE t.key = v.key`;
    return { allowed: true } as const;
  });
}

/** After a successful sign-in: the account's keys start afresh and the address gets its attempt back. */
export async function clearAfterSuccess(email: string, ip: string | null): Promise<void> {
  await db().signInThrottle.deleteMany({ where: { key: { in: [accountKey(email), pairKey(email, ip)] } } });
  if (ip) {
    await db().$executeRaw`
      UPDATE sign_in_throttles SET attempts = GREATEST(attempts - 1, 0) WHERE key = ${addressKey(ip)}`;
  }
}
