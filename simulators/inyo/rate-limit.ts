// A rolling-window rate limit per key (Inyo limits each client per minute, per endpoint family).
import type { Clock } from "../client-credentials/tokens";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RollingWindowLimiter {
  private admitted = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    if (!Number.isInteger(limit) || limit <= 0) throw new Error("rate limit must be a positive whole number");
  }

  /** Admits one call for `key` or says how long until the oldest admitted call leaves the window. */
  take(key: string): RateDecision {
    const now = this.clock();
    const recent = (this.admitted.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.admitted.set(key, recent);
      const oldest = recent[0] ?? now;
      const waitMs = oldest + this.windowMs - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    recent.push(now);
    this.admitted.set(key, recent);
    return { allowed: true };
  }

  reset(): void {
    this.admitted.clear();
  }
}
