import { describe, expect, it } from "vitest";
import { nextAttemptDelayMs, RETRY_SCHEDULE_MS } from "./schedule";

describe("retry schedule", () => {
  it("is at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts in all", () => {
    expect(RETRY_SCHEDULE_MS).toEqual([0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6]);
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => nextAttemptDelayMs(n, { random: mid }))).toEqual([
      5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 36e6,
    ]);
    expect(nextAttemptDelayMs(8, { random: mid })).toBeNull();
  });

  it("jitters within ±10 %", () => {
    expect(nextAttemptDelayMs(2, { random: () => 0 })).toBe(270_000);
    expect(nextAttemptDelayMs(2, { random: () => 1 })).toBe(330_000);
  });

  it("never retries sooner than Retry-After, capped at a day", () => {
    expect(nextAttemptDelayMs(1, { random: () => 0.5, retryAfterMs: 60_000 })).toBe(60_000);
    expect(nextAttemptDelayMs(3, { random: () => 0.5, retryAfterMs: 1_000 })).toBe(1_800_000);
    expect(nextAttemptDelayMs(1, { random: () => 0.5, retryAfterMs: 7 * 86_400_000 })).toBe(86_400_000);
  });

  it("takes a compressed schedule (tests)", () => {
    expect(nextAttemptDelayMs(1, { schedule: [0, 10, 10], random: () => 0.5 })).toBe(10);
    expect(nextAttemptDelayMs(3, { schedule: [0, 10, 10] })).toBeNull();
  });
});
