import "server-only";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { beforeExit } from "@/lib/server/shutdown";
import { processSingleton } from "@/lib/server/process-singleton";

// Use of API keys, counted in process and written in batches: one statement a second adds every
// (key, hour, scope) count and moves last_used_at forward, so concurrent calls never queue on one row
// lock. A failed write keeps its counts for the next flush; a clean stop writes what is left.

const FLUSH_EVERY_MS = 1_000;

type Pending = { apiKeyId: string; hour: Date; scope: string; count: number };

class UsageBuffer {
  private counts = new Map<string, Pending>();
  private lastUsed = new Map<string, Date>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  count(apiKeyId: string, scope: string, at: Date): void {
    const hourMs = Math.floor(at.getTime() / 3_600_000) * 3_600_000;
    const key = `${apiKeyId} ${hourMs} ${scope}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { apiKeyId, hour: new Date(hourMs), scope, count: 1 });
    const last = this.lastUsed.get(apiKeyId);
    if (!last || last < at) this.lastUsed.set(apiKeyId, at);
    if (!this.timer) {
      this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
      this.timer.unref();
      beforeExit("api-key usage", () => this.flush());
    }
  }

  /** Writes every count taken so far (waits for a flush already under way, then writes the rest). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.counts.size === 0 && this.lastUsed.size === 0) return;
    this.flushing = this.write().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async write(): Promise<void> {
    const counts = [...this.counts.values()];
    const lastUsed = [...this.lastUsed.entries()];
    this.counts = new Map();
    this.lastUsed = new Map();
    try {
      // One round trip; keys deleted meanwhile are skipped rather than failing the whole batch.
      await db().$executeRaw`
        WITH added AS (
          INSERT INTO api_key_usage (api_key_id, hour, scope, count)
          SELECT v.id, v.hour, v.scope, v.n
          FROM unnest(${counts.map((c) => c.apiKeyId)}::uuid[], ${counts.map((c) => c.hour)}::timestamptz[],
                      ${counts.map((c) => c.scope)}::text[], ${counts.map((c) => c.count)}::int[]) AS v(id, hour, scope, n)
          WHERE EXISTS (SELECT 1 FROM api_keys k WHERE k.id = v.id)
          ON CONFLICT (api_key_id, hour, scope) DO UPDATE SET count = api_key_usage.count + EXCLUDED.count
          RETURNING 1
        )
        UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, v.at)
        FROM unnest(${lastUsed.map(([id]) => id)}::uuid[], ${lastUsed.map(([, at]) => at)}::timestamptz[]) AS v(id, at)
        WHERE k.id = v.id`;
    } catch (error) {
      // Nothing is lost: the counts go back into the buffer for the next flush.
      for (const c of counts) {
        const key = `${c.apiKeyId} ${c.hour.getTime()} ${c.scope}`;
        const entry = this.counts.get(key);
        if (entry) entry.count += c.count;
        else this.counts.set(key, c);
      }
      for (const [id, at] of lastUsed) {
        const last = this.lastUsed.get(id);
        if (!last || last < at) this.lastUsed.set(id, at);
      }
      log().warn(
        { err: error instanceof Error ? error.message : String(error), pending: counts.length },
        "api key usage not written yet; kept for the next flush",
      );
    }
  }
}

const buffer = () => processSingleton("api-key-usage", () => new UsageBuffer());

/** Counts one accepted call of `apiKeyId` for `scope` (written within a second). */
export function countApiKeyUse(apiKeyId: string, scope: string, at = new Date()): void {
  buffer().count(apiKeyId, scope, at);
}

/** Writes every buffered count now (a clean stop does this; tests and the keys page may too). */
export function flushApiKeyUsage(): Promise<void> {
  return buffer().flush();
}
