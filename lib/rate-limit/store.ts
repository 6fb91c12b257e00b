// The limiter of one policy on rate-limiter-flexible's PostgreSQL store: the options the app runs with,
// in one place (limiter.ts and bench/rate-limit.bench.ts). Free of "server-only" for the benchmark.
import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import type { RateLimitPolicy } from "./policies";

export const RATE_LIMIT_TABLE = "rate_limits";

export function createPostgresLimiter(
  pool: pg.Pool,
  name: string,
  policy: RateLimitPolicy,
  opts: { clearExpired: boolean },
): RateLimiterPostgres {
  const options = { keyPrefix: name, points: policy.points, duration: policy.durationSeconds };
  return new RateLimiterPostgres({
    ...options,
    storeClient: pool,
    storeType: "pool",
    // The table comes with a Prisma migration (prisma/schema.prisma, RateLimit): never created at run time.
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    // Deletes rows expired an hour ago, every 5 minutes (one limiter per process is enough).
    clearExpiredByTimeout: opts.clearExpired,
    // PostgreSQL unreachable: this process counts in memory with the same policy meanwhile.
    insuranceLimiter: new RateLimiterMemory(options),
  });
}
