import "server-only";
// Quota leases for the busiest limits (/api/v1): an instance reserves a block of points from the shared
// PostgreSQL window in one round trip and spends it in memory; the bound this keeps is in README.md.
import type pg from "pg";
import { RateLimiterRes, type RateLimiterPostgres } from "rate-limiter-flexible";
import { log } from "@/lib/log";
import type { RateLimitPolicy, RateLimitPolicyName } from "./policies";
import { RATE_LIMIT_TABLE } from "./store";

/** How long a reserved block may be spent; unspent points go back to the window after it. */
export const LEASE_MS = 1_000;
/** The largest block, and never more than a twentieth of the limit (small limits are counted one by one). */
const MAX_BLOCK = 50;
/** A block of at least this many points is followed by the next one, reserved once half of it is spent. */
const AHEAD_FROM = 4;

export const maxBlock = (policy: RateLimitPolicy) => Math.max(1, Math.min(MAX_BLOCK, Math.floor(policy.points / 20)));

/** Points reserved in one round trip. */
type Block = {
  points: number;
  /** The block may be spent until then (never past its window's end). */
  until: number;
  /** The PostgreSQL window's end, as this process's clock saw it at the reservation. */
  windowEnd: number;
  /** Nothing was left in the window: refused here without asking PostgreSQL until then (0: not refused). */
  refusedUntil: number;
  /** This reservation crossed the limit (the window's first refusal). */
  firstRefusal: boolean;
};

type Lease = {
  limiter: RateLimiterPostgres;
  key: string;
  policy: RateLimitPolicy;
  name: RateLimitPolicyName;
  /** The block being spent: reserved in PostgreSQL, `left` of its `granted` points not spent yet. */
  left: number;
  granted: number;
  until: number;
  windowEnd: number;
  refusedUntil: number;
  /** The next block, reserved ahead while this one is spent so that busy callers never wait for it. */
  next: Block | null;
  /** The next reservation's size: doubled when a block is spent within its time, halved when it is not. */
  size: number;
  reserving: Promise<void> | null;
};

export type LeaseVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; firstRefusal: boolean };

export class QuotaLeases {
  private readonly leases = new Map<string, Lease>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Spends one point of `key` under `policy` from memory: the verdict, or null when a block must be
   * reserved first (then call consume). The hot path's answer without a promise.
   */
  tryConsume(input: { name: RateLimitPolicyName; key: string; policy: RateLimitPolicy }): LeaseVerdict | null {
    const lease = this.leases.get(leaseId(input.name, input.policy, input.key));
    if (!lease) return null;
    const now = this.now();
    if (lease.left > 0 && now < lease.until) return this.spend(lease);
    const firstRefusal = lease.next?.firstRefusal ?? false;
    if (lease.next) this.advance(lease);
    if (lease.left > 0 && now < lease.until) return this.spend(lease);
    if (now < lease.refusedUntil) return { allowed: false, retryAfterMs: lease.refusedUntil - now, firstRefusal };
    return null;
  }

  /** Spends one point of `key` under `policy`, reserving a new block from PostgreSQL when none is left. */
  async consume(input: {
    name: RateLimitPolicyName;
    limiter: RateLimiterPostgres;
    key: string;
    policy: RateLimitPolicy;
  }): Promise<LeaseVerdict> {
    const { name, limiter, key, policy } = input;
    const id = leaseId(name, policy, key);
    let lease = this.leases.get(id);
    if (!lease) {
      lease = {
        limiter,
        key,
        policy,
        name,
        left: 0,
        granted: 0,
        until: 0,
        windowEnd: 0,
        refusedUntil: 0,
        next: null,
        size: 1,
        reserving: null,
      };
      this.leases.set(id, lease);
      this.sweeper ??= setInterval(() => void this.sweep(), LEASE_MS).unref();
    }
    let firstRefusal = false;
    for (;;) {
      const now = this.now();
      if (lease.left > 0 && now < lease.until) return this.spend(lease);
      if (lease.next) {
        firstRefusal ||= lease.next.firstRefusal;
        this.advance(lease);
        continue;
      }
      if (now < lease.refusedUntil) return { allowed: false, retryAfterMs: lease.refusedUntil - now, firstRefusal };
      if (lease.reserving) {
        // A failed reservation ahead is tried again below, by this caller.
        await lease.reserving.catch(() => undefined);
        continue;
      }
      void this.giveBack(lease);
      await this.reserveNext(lease);
    }
  }

  /** Returns every unspent point (a clean stop); safe to repeat. */
  async release(): Promise<void> {
    await Promise.all([...this.leases.values()].map((lease) => this.giveBack(lease, { withNext: true })));
    this.leases.clear();
  }

  private spend(lease: Lease): LeaseVerdict {
    lease.left--;
    if (lease.left === 0) lease.size = Math.min(maxBlock(lease.policy), lease.size * 2);
    // Busy: the next block is reserved while this one still has half its points, so no caller waits for it.
    else if (lease.granted >= AHEAD_FROM && lease.left === lease.granted >> 1 && !lease.next && !lease.reserving)
      void this.reserveNext(lease).catch((error: unknown) =>
        log().warn(
          { err: error instanceof Error ? error.message : String(error) },
          "rate limit: reserving ahead failed",
        ),
      );
    return { allowed: true };
  }

  /** The reserved next block becomes the one spent; what the current one still holds goes back. */
  private advance(lease: Lease): void {
    const next = lease.next;
    if (!next) return;
    void this.giveBack(lease);
    lease.next = null;
    lease.left = next.points;
    lease.granted = next.points;
    lease.until = next.until;
    lease.windowEnd = next.windowEnd;
    lease.refusedUntil = next.refusedUntil;
  }

  /** One reservation at a time per lease; its block waits in `next`. */
  private reserveNext(lease: Lease): Promise<void> {
    lease.reserving ??= this.reserve(lease)
      .then((block) => {
        lease.next = block;
      })
      .finally(() => {
        lease.reserving = null;
      });
    return lease.reserving;
  }

  /** One round trip: the block's points are added to the shared window; what fit under the limit is ours. */
  private async reserve(lease: Lease): Promise<Block> {
    const { policy } = lease;
    const want = Math.min(lease.size, maxBlock(policy));
    const started = this.now();
    try {
      const res = await lease.limiter.consume(lease.key, want);
      return block(want, started, res.msBeforeNext, false);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      // The count grew by `want` anyway: the points that were still free below the limit are ours alone.
      const before = outcome.consumedPoints - want;
      const granted = Math.max(0, Math.min(want, policy.points - before));
      lease.size = 1;
      const crossed = before <= policy.points;
      if (crossed && before + want > policy.points) {
        log().warn(
          { policy: lease.name, limit: policy.points, windowSeconds: policy.durationSeconds },
          "rate limit reached",
        );
      }
      const result = block(granted, started, outcome.msBeforeNext, granted === 0 && crossed);
      if (granted === 0) result.refusedUntil = result.windowEnd;
      return result;
    }
  }

  /** Hands unspent points of the current block (and the next one) back to their window, while it lasts. */
  private async giveBack(lease: Lease, { withNext = false } = {}): Promise<void> {
    const returns: { points: number; windowEnd: number }[] = [];
    if (lease.left > 0) returns.push({ points: lease.left, windowEnd: lease.windowEnd });
    lease.left = 0;
    if (withNext && lease.next) {
      if (lease.next.points > 0) returns.push({ points: lease.next.points, windowEnd: lease.next.windowEnd });
      lease.next = null;
    }
    if (returns.length === 0) return;
    lease.size = Math.max(1, Math.floor(lease.size / 2));
    const margin = 100;
    for (const { points, windowEnd } of returns) {
      if (this.now() >= windowEnd - margin) continue;
      try {
        // Not the library's reward(): after the window's end it would open the next window below zero.
        await this.pool.query(
          `UPDATE "${RATE_LIMIT_TABLE}" SET points = GREATEST(points - $2, 0) WHERE key = $1 AND expire > $3`,
          [lease.limiter.getKey(lease.key), points, this.now() + margin],
        );
      } catch (error) {
        // Not given back: the limit only gets stricter until the window ends.
        log().warn(
          { err: error instanceof Error ? error.message : String(error) },
          "rate limit: unspent points not returned",
        );
      }
    }
  }

  /** Every LEASE_MS: expired blocks give their points back; idle entries are forgotten. */
  private async sweep(): Promise<void> {
    const now = this.now();
    const returning: Promise<void>[] = [];
    for (const [id, lease] of this.leases) {
      if (lease.reserving) continue;
      // A next block expires after the current one: both go back then.
      const nextExpired = lease.next !== null && now >= lease.next.until;
      if ((lease.left > 0 && now >= lease.until) || nextExpired)
        returning.push(this.giveBack(lease, { withNext: nextExpired }));
      else if (lease.left === 0 && !lease.next && now >= lease.until && now >= lease.refusedUntil)
        this.leases.delete(id);
    }
    await Promise.all(returning);
    if (this.leases.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}

const leaseId = (name: RateLimitPolicyName, policy: RateLimitPolicy, key: string) =>
  `${name}|${policy.points}|${policy.durationSeconds}|${key}`;

function block(points: number, started: number, msBeforeNext: number, firstRefusal: boolean): Block {
  const windowEnd = started + Math.max(0, msBeforeNext);
  // Timed from before the round trip, so the block never outlives its window on this clock.
  return { points, until: Math.min(started + LEASE_MS, windowEnd), windowEnd, refusedUntil: 0, firstRefusal };
}
