// Quota leases (lease.ts) against the run's PostgreSQL, with a second app process: the total admitted
// across instances never passes the limit, and points reserved but not spent go back to the window.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { consumeLeasedRateLimit } from "@/lib/rate-limit";
import { LEASE_MS, maxBlock } from "@/lib/rate-limit/lease";
import { startSecondInstance, type SecondInstance } from "@/tests/support/instance";

const storedPoints = async (key: string) =>
  (await db().rateLimit.findUnique({ where: { key: `api-per-key:${key}` } }))?.points ?? 0;

describe("leased rate limits", () => {
  let other: SecondInstance;
  beforeAll(async () => {
    other = await startSecondInstance();
  });
  afterAll(async () => {
    await other?.close();
  });

  it("admit at most the limit in total across two instances hammering one key, and nearly all of it", async () => {
    const key = `lease-${randomBytes(6).toString("hex")}`;
    const policy = { points: 400, durationSeconds: 60 };
    const here = async () => {
      let allowed = 0;
      let refused = 0;
      // Waves of 50 at once until this process is refused: each wave spends from (or reserves) a block.
      while (refused === 0) {
        const verdicts = await Promise.all(
          Array.from({ length: 50 }, () => consumeLeasedRateLimit("api-per-key", key, policy)),
        );
        allowed += verdicts.filter((v) => v.allowed).length;
        refused += verdicts.filter((v) => !v.allowed).length;
      }
      return allowed;
    };
    const there = async () => {
      let allowed = 0;
      for (;;) {
        const answer = await other.ask({
          op: "rate",
          key,
          points: policy.points,
          seconds: policy.durationSeconds,
          calls: 50,
        });
        allowed += Number(answer.allowed);
        if (Number(answer.refused) > 0) return allowed;
      }
    };
    // Both processes warm (pool, limiter) before the race, so neither drains the window before the other starts.
    const warm = `lease-warm-${randomBytes(6).toString("hex")}`;
    await consumeLeasedRateLimit("api-per-key", warm, policy);
    await other.ask({ op: "rate", key: warm, points: policy.points, seconds: policy.durationSeconds, calls: 1 });
    const [mine, theirs] = await Promise.all([here(), there()]);
    expect(mine).toBeGreaterThan(0);
    expect(theirs).toBeGreaterThan(0);
    expect(mine + theirs).toBeLessThanOrEqual(policy.points);
    // What one instance held unspent when the other was refused is all that may be missing.
    expect(mine + theirs).toBeGreaterThanOrEqual(policy.points - 2 * maxBlock(policy));
    // Refused from memory now: the count in PostgreSQL does not grow with refused calls.
    const before = await storedPoints(key);
    for (let i = 0; i < 20; i++) expect((await consumeLeasedRateLimit("api-per-key", key, policy)).allowed).toBe(false);
    expect(await storedPoints(key)).toBe(before);
  });

  it("gives points reserved but not spent back to the window after the lease time", async () => {
    const key = `lease-${randomBytes(6).toString("hex")}`;
    const policy = { points: 1000, durationSeconds: 60 };
    // Blocks grow while they are spent within their time: 1, 2, 4, … so the last block is likely part-spent.
    let spent = 0;
    for (let i = 0; i < 40; i++) if ((await consumeLeasedRateLimit("api-per-key", key, policy)).allowed) spent++;
    expect(spent).toBe(40);
    expect(await storedPoints(key)).toBeGreaterThanOrEqual(40);
    expect(await storedPoints(key)).toBeLessThanOrEqual(40 + maxBlock(policy));
    // The sweep (every LEASE_MS) returns what the expired block still held.
    const deadline = Date.now() + 10 * LEASE_MS;
    while ((await storedPoints(key)) !== 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await storedPoints(key)).toBe(40);
  });
});
