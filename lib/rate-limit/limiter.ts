import "server-only";
// Rate limits shared by every instance: rate-limiter-flexible's PostgreSQL store on the app's database
// (table rate_limits, created by a Prisma migration; the library is told so and never creates it). Should
// PostgreSQL fail, each process falls back to an in-memory limiter with the same policy (the library's
// insurance limiter) rather than refusing everyone or letting everything through.
import { createHash } from "node:crypto";
import pg from "pg";
import { RateLimiterRes, type RateLimiterPostgres } from "rate-limiter-flexible";
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { RATE_LIMIT_POLICIES, type RateLimitPolicy, type RateLimitPolicyName } from "./policies";
import { ipv6Prefix64 } from "@/lib/http/addresses";
import { LEASE_MS, QuotaLeases, type LeaseVerdict } from "./lease";
import { createPostgresLimiter } from "./store";
import { processSingleton } from "@/lib/server/process-singleton";
import { beforeExit } from "@/lib/server/shutdown";

export type RateLimitVerdict =
  | { allowed: true }
  | {
      allowed: false;
      policy: RateLimitPolicyName;
      retryAfterSeconds: number;
      /** True for the first refusal of the window. */ firstRefusal: boolean;
    };

/** A window's count as this process last saw it (from a read or its own consume). */
type Seen = { consumed: number; windowEnd: number; at: number };
type Limiters = {
  pool: pg.Pool;
  byPolicy: Map<string, RateLimiterPostgres>;
  leases: QuotaLeases;
  seen: Map<string, Seen>;
  /** Reads of a window's count under way, one per window. */
  reading: Map<string, Promise<void>>;
};
export const RATE_LIMITS_SINGLETON = "rate-limits";

function limiters(): Limiters {
  return processSingleton<Limiters>(RATE_LIMITS_SINGLETON, () => {
    const { databaseUrl } = config();
    if (!databaseUrl) throw new Error("DATABASE_URL is not set: rate limits live in the app's database");
    // A small pool of its own: one upsert per check, never held across anything else.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4, idleTimeoutMillis: 30_000 });
    pool.on("error", (error) => log().warn({ err: error.message }, "rate-limit pool: idle connection failed"));
    const leases = new QuotaLeases(pool);
    // A clean stop hands unspent reserved points back to their windows.
    beforeExit("rate-limit leases", () => leases.release());
    return { pool, byPolicy: new Map(), leases, seen: new Map(), reading: new Map() };
  });
}

/** The policy in force: the default, or this installation's RATE_LIMITS override. */
export function policyOf(name: RateLimitPolicyName): RateLimitPolicy {
  return config().rateLimitOverrides[name] ?? RATE_LIMIT_POLICIES[name];
}

function limiterFor(name: RateLimitPolicyName, policy: RateLimitPolicy): RateLimiterPostgres {
  const state = limiters();
  const id = `${name}|${policy.points}|${policy.durationSeconds}`;
  let limiter = state.byPolicy.get(id);
  if (!limiter) {
    limiter = createPostgresLimiter(state.pool, name, policy, { clearExpired: state.byPolicy.size === 0 });
    state.byPolicy.set(id, limiter);
  }
  return limiter;
}

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/**
 * Counts one request of `key` under `policy`. Refused once the window's points are used up, with the
 * seconds until the window ends (for Retry-After). `policy` may be given to override the configured one (tests).
 */
export async function consumeRateLimit(
  name: RateLimitPolicyName,
  key: string,
  policy: RateLimitPolicy = policyOf(name),
): Promise<RateLimitVerdict> {
  try {
    const res = await limiterFor(name, policy).consume(key, 1);
    noteSeen(name, key, policy, res);
    return { allowed: true };
  } catch (outcome) {
    if (outcome instanceof RateLimiterRes) {
      noteSeen(name, key, policy, outcome);
      const firstRefusal = outcome.consumedPoints === policy.points + 1;
      if (firstRefusal)
        log().warn({ policy: name, limit: policy.points, windowSeconds: policy.durationSeconds }, "rate limit reached");
      return { allowed: false, policy: name, retryAfterSeconds: retryAfter(outcome), firstRefusal };
    }
    throw outcome;
  }
}

/**
 * Like consumeRateLimit, but spends from a block of points this process reserved from the shared window
 * (lease.ts): one PostgreSQL round trip per block instead of per request, the total still bounded by the
 * limit (README.md says exactly how).
 */
export async function consumeLeasedRateLimit(
  name: RateLimitPolicyName,
  key: string,
  policy: RateLimitPolicy = policyOf(name),
): Promise<RateLimitVerdict> {
  return leaseVerdict(name, await limiters().leases.consume({ name, limiter: limiterFor(name, policy), key, policy }));
}

/**
 * consumeLeasedRateLimit without a round trip or a promise when this process holds points of the window
 * (or knows it used up): the verdict, else the promise of consumeLeasedRateLimit.
 */
export function consumeLeasedRateLimitNow(
  name: RateLimitPolicyName,
  key: string,
  policy: RateLimitPolicy = policyOf(name),
): RateLimitVerdict | Promise<RateLimitVerdict> {
  const verdict = limiters().leases.tryConsume({ name, key, policy });
  return verdict ? leaseVerdict(name, verdict) : consumeLeasedRateLimit(name, key, policy);
}

const ALLOWED: RateLimitVerdict = Object.freeze({ allowed: true });

function leaseVerdict(name: RateLimitPolicyName, verdict: LeaseVerdict): RateLimitVerdict {
  if (verdict.allowed) return ALLOWED;
  const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  return { allowed: false, policy: name, retryAfterSeconds, firstRefusal: verdict.firstRefusal };
}

const seenId = (name: RateLimitPolicyName, key: string, policy: RateLimitPolicy) =>
  `${name}|${policy.points}|${policy.durationSeconds}|${key}`;

function noteSeen(name: RateLimitPolicyName, key: string, policy: RateLimitPolicy, res: RateLimiterRes) {
  const { seen } = limiters();
  const now = Date.now();
  if (seen.size > 10_000) seen.clear();
  seen.set(seenId(name, key, policy), { consumed: res.consumedPoints, windowEnd: now + res.msBeforeNext, at: now });
}

/**
 * rateLimitExhausted from a count at most LEASE_MS old: this process's own consumes count at once, other
 * instances' within LEASE_MS (README.md). For the failure limit checked on every /api/v1 call.
 */
export async function rateLimitExhaustedRecently(
  name: RateLimitPolicyName,
  key: string,
  policy: RateLimitPolicy = policyOf(name),
): Promise<RateLimitVerdict> {
  return rateLimitExhaustedRecentlyNow(name, key, policy);
}

/**
 * rateLimitExhaustedRecently without a promise while the count is fresh enough. Busy keys read their count
 * again once half of LEASE_MS has passed, in the background, so callers do not wait for the read.
 */
export function rateLimitExhaustedRecentlyNow(
  name: RateLimitPolicyName,
  key: string,
  policy: RateLimitPolicy = policyOf(name),
): RateLimitVerdict | Promise<RateLimitVerdict> {
  const { seen } = limiters();
  const id = seenId(name, key, policy);
  const entry = seen.get(id);
  const now = Date.now();
  if (!entry || now - entry.at >= LEASE_MS)
    return readSeen(name, key, policy, id).then(() => exhaustedVerdict(name, policy, seen.get(id), Date.now()));
  if (now - entry.at >= LEASE_MS / 2) void readSeen(name, key, policy, id).catch(() => undefined);
  return exhaustedVerdict(name, policy, entry, now);
}

/** Reads the window's count (one read per window at a time); a count this process noted since stays. */
function readSeen(name: RateLimitPolicyName, key: string, policy: RateLimitPolicy, id: string): Promise<void> {
  const { seen, reading } = limiters();
  let read = reading.get(id);
  if (!read) {
    const started = Date.now();
    read = limiterFor(name, policy)
      .get(key)
      .then((res) => {
        const newer = seen.get(id);
        if (newer && newer.at > started) return;
        if (seen.size > 10_000) seen.clear();
        seen.set(id, {
          consumed: res?.consumedPoints ?? 0,
          windowEnd: started + (res?.msBeforeNext ?? 0),
          at: started,
        });
      })
      .finally(() => reading.delete(id));
    reading.set(id, read);
  }
  return read;
}

function exhaustedVerdict(
  name: RateLimitPolicyName,
  policy: RateLimitPolicy,
  entry: Seen | undefined,
  now: number,
): RateLimitVerdict {
  if (!entry || entry.consumed < policy.points || now >= entry.windowEnd) return ALLOWED;
  const retryAfterSeconds = Math.max(1, Math.ceil((entry.windowEnd - now) / 1000));
  return { allowed: false, policy: name, retryAfterSeconds, firstRefusal: false };
}

/**
 * Whether `key` has used up `policy`'s points in this window, without counting anything: for limits on
 * failures, checked before the work whose failure they count.
 */
export async function rateLimitExhausted(
  name: RateLimitPolicyName,
  key: string,
  policy: RateLimitPolicy = policyOf(name),
): Promise<RateLimitVerdict> {
  const res = await limiterFor(name, policy).get(key);
  if (!res || res.consumedPoints < policy.points) return { allowed: true };
  return { allowed: false, policy: name, retryAfterSeconds: retryAfter(res), firstRefusal: false };
}

/** Counts one request under each (policy, key) pair; the first refusal wins. */
export async function consumeRateLimits(checks: [RateLimitPolicyName, string][]): Promise<RateLimitVerdict> {
  for (const [name, key] of checks) {
    const verdict = await consumeRateLimit(name, key);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/**
 * The key for a client address (null: the address is unknown, and such requests share one key). An IPv6
 * client usually holds a whole /64, so IPv6 addresses are counted by their /64.
 */
export function addressKey(ip: string | null): string {
  if (!ip) return "ip:unknown";
  const v6 = ipv6Prefix64(ip);
  return v6 ? `ip:${v6}` : `ip:${ip}`;
}

/** The key for a value that must not be stored as it is (a link token): a SHA-256 prefix of it. */
export function hashedKey(kind: string, value: string): string {
  return `${kind}:${createHash("sha256").update(`rate-limit:${value}`, "utf8").digest("hex").slice(0, 32)}`;
}

/** "2 minutes" / "45 seconds": how long to wait, for people. */
export function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
