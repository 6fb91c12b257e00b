import "server-only";
// Provider rate limits shared by every instance: each token request sent upstream is a row in
// connection_token_requests, counted over a rolling window with PostgreSQL's clock (one clock for all).
import { AppError, err, ok, type Result } from "@/lib/errors";
import { db } from "@/lib/db/client";

/** Margin added to a computed wait: the provider counts from when our request reaches it. */
const SLOT_MARGIN_MS = 250;

export async function recordTokenRequest(connectionId: string): Promise<void> {
  await db()
    .$executeRaw`INSERT INTO connection_token_requests (connection_id, at) VALUES (${connectionId}::uuid, clock_timestamp())`;
}

/** Milliseconds until one more request fits in the window (0 = now). */
export async function tokenBudgetWaitMs(
  connectionId: string,
  limit: { limit: number; windowMs: number },
): Promise<number> {
  const rows = await db().$queryRaw<Array<{ now_ms: number; ats: number[] | null }>>`
    SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS now_ms,
           array_agg((EXTRACT(EPOCH FROM at) * 1000)::float8 ORDER BY at) AS ats
      FROM connection_token_requests
     WHERE connection_id = ${connectionId}::uuid
       AND at > clock_timestamp() - (${limit.windowMs}::float8 * interval '1 millisecond')`;
  const row = rows[0];
  const ats = row?.ats ?? [];
  if (!row || ats.length < limit.limit) return 0;
  // The request that must leave the window before one more is allowed.
  const blocking = ats[ats.length - limit.limit] ?? row.now_ms;
  return Math.max(0, blocking + limit.windowMs - row.now_ms) + SLOT_MARGIN_MS;
}

/** Waits (within `deadline`) until the provider's limit allows one more token request. */
export async function waitForTokenBudget(
  connectionId: string,
  limit: { limit: number; windowMs: number },
  opts: { deadline: number; now: () => number; sleep: (ms: number) => Promise<void>; providerLabel: string },
): Promise<Result<void, AppError>> {
  for (;;) {
    const wait = await tokenBudgetWaitMs(connectionId, limit);
    if (wait === 0) return ok(undefined);
    if (opts.now() + wait > opts.deadline) {
      const perMinute = Math.round((limit.limit * 60_000) / limit.windowMs);
      return err(
        new AppError(
          "RATE_LIMITED",
          `${opts.providerLabel} allows ${perMinute} token requests a minute and they are used up; the next one is possible in ${Math.ceil(wait / 1000)} s.`,
        ),
      );
    }
    await opts.sleep(wait);
  }
}

/** Old rows are only needed for the window: trimmed now and then. */
export async function pruneTokenRequests(olderThanMs = 60 * 60_000): Promise<number> {
  return db()
    .$executeRaw`DELETE FROM connection_token_requests WHERE at < clock_timestamp() - (${olderThanMs}::float8 * interval '1 millisecond')`;
}
