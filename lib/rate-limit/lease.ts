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

export const maxBlock = (policy: RateLimitPolicy) => Math.max(1, Math.min(MAX_BLOCK, Math.floor(policy.points / 20)));

type Lease = {
  limiter: RateLimiterPostgres;
  key: string;
  /** Reserved in PostgreSQL and not spent yet. */
  left: number;
  /** The next reservation's size: doubled when a block is spent within its time, halved when it is not. */
  size: number;
  /** The block may be spent until then (never past its window's end). */
  until: number;
  /** The PostgreSQL window's end, as this process's clock saw it at the reservation. */
  windowEnd: number;
  /** The window is used up: refused here without asking PostgreSQL until then. */
  refusedUntil: number;
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

  /** Spends one point of `key` under `policy`, reserving a new block from PostgreSQL when none is left. */
  async consume(input: {
    name: RateLimitPolicyName;
    limiter: RateLimiterPostgres;
    key: string;
    policy: RateLimitPolicy;
  }): Promise<LeaseVerdict> {
    const { name, limiter, key, policy } = input;
    const id = `${name}|${policy.points}|${policy.durationSeconds}|${key}`;
    let lease = this.leases.get(id);
    if (!lease) {
      lease = { limiter, key, left: 0, size: 1, until: 0, windowEnd: 0, refusedUntil: 0, reserving: null };
      this.leases.set(id, lease);
      this.sweeper ??= setInterval(() => void this.sweep(), LEASE_MS).unref();
    }
    let firstRefusal = false;
    for (;;) {
      const now = this.now();
      if (now < lease.refusedUntil) return { allowed: false, retryAfterMs: lease.refusedUntil - now, firstRefusal };
      if (lease.left > 0 && now < lease.until) {
        lease.left--;
        if (lease.left === 0) lease.size = Math.min(maxBlock(policy), lease.size * 2);
        return { allowed: true };
      }
      if (lease.reserving) {
        await lease.reserving;
        continue;
      }
      void this.giveBack(lease);
      const current = lease;
      const reserving = this.reserve(name, lease, policy)
        .then((crossed) => {
          firstRefusal ||= crossed;
        })
        .finally(() => {
          current.reserving = null;
        });
      lease.reserving = reserving;
      await reserving;
    }
  }

  /** Returns every unspent point (a clean stop); safe to repeat. */
  async release(): Promise<void> {
    await Promise.all([...this.leases.values()].map((lease) => this.giveBack(lease)));
    this.leases.clear();
  }

  /** One round trip: the block's points are added to the shared window; what fit under the limit is ours. */
  private async reserve(name: RateLimitPolicyName, lease: Lease, policy: RateLimitPolicy): Promise<boolean> {
    const want = Math.min(lease.size, maxBlock(policy));
    const started = this.now();
    try {
      const res = await lease.limiter.consume(lease.key, want);
      this.grant(lease, want, started, res.msBeforeNext);
      return false;
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      // The count grew by `want` anyway: the points that were still free below the limit are ours alone.
      const before = outcome.consumedPoints - want;
      const granted = Math.max(0, Math.min(want, policy.points - before));
      lease.size = 1;
      this.grant(lease, granted, started, outcome.msBeforeNext);
      const crossed = before <= policy.points;
      if (granted === 0) lease.refusedUntil = lease.windowEnd;
      if (crossed && before + want > policy.points) {
        log().warn({ policy: name, limit: policy.points, windowSeconds: policy.durationSeconds }, "rate limit reached");
      }
      return granted === 0 && crossed;
    }
  }

  private grant(lease: Lease, points: number, started: number, msBeforeNext: number) {
    lease.left = points;
    lease.windowEnd = started + Math.max(0, msBeforeNext);
    // Timed from before the round trip, so the block never outlives its window on this clock.
    lease.until = Math.min(started + LEASE_MS, lease.windowEnd);
  }

  /** Hands unspent points of an expired block back to its window (only while that window lasts). */
  private async giveBack(lease: Lease): Promise<void> {
    const points = lease.left;
    lease.left = 0;
    if (points <= 0) return;
    lease.size = Math.max(1, Math.floor(lease.size / 2));
    const margin = 100;
    if (this.now() >= lease.windowEnd - margin) return;
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

  /** Every LEASE_MS: expired blocks give their points back; idle entries are forgotten. */
  private async sweep(): Promise<void> {
    const now = this.now();
    const returning: Promise<void>[] = [];
    for (const [id, lease] of this.leases) {
      if (lease.reserving) continue;
      if (lease.left > 0 && now >= lease.until) returning.push(this.giveBack(lease));
      else if (lease.left === 0 && now >= lease.until && now >= lease.refusedUntil) this.leases.delete(id);
    }
    await Promise.all(returning);
    if (this.leases.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}
