import "server-only";
import type { ApiKey } from "@/lib/db/generated/client";
import { afterArrivedNotices, announceChange, changeListener, type SqlRunner } from "@/lib/db/changes";
import { db } from "@/lib/db/client";
import { processSingleton } from "@/lib/server/process-singleton";

// API-key records by key hash, kept in process so a call costs no database round trip. Every write to
// api_keys announces itself (announceApiKeyChange, in its transaction); each instance's listener then
// drops the key at once. The whole row is cached, so every check on it (revoked, scopes, and whatever the
// record adds) is still evaluated per request in authenticate.ts.

/** Safety net: an entry is read again after this long even without a notice. */
const ENTRY_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/** The key's row as every query returns it (the hash column is omitted, see lib/db/omit.ts). */
export type ApiKeyRecord = Omit<ApiKey, "keyHash">;

type Entry = { record: ApiKeyRecord; at: number };

class ApiKeyCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly flights = new Map<string, Promise<ApiKeyRecord | null>>();
  /** Bumped by every notice: a lookup that started before a notice does not store what it read. */
  private generation = 0;
  private subscribed = false;

  async find(keyHash: string): Promise<ApiKeyRecord | null> {
    const listener = changeListener();
    if (!this.subscribed) {
      this.subscribed = true;
      listener.subscribe("api-key", { onChange: (id) => this.drop(id), onReset: () => this.clear() });
    }
    await afterArrivedNotices();
    if (listener.isLive) {
      const hit = this.byHash.get(keyHash);
      const age = hit ? Date.now() - hit.at : Infinity;
      if (hit && age < ENTRY_TTL_MS) {
        // Read again in the background past half its time, so a busy key's callers never wait for the read.
        if (age >= ENTRY_TTL_MS / 2 && !this.flights.has(keyHash))
          void this.lookup(keyHash, listener).catch(() => null);
        return hit.record;
      }
    }
    return this.flights.get(keyHash) ?? this.lookup(keyHash, listener);
  }

  private lookup(keyHash: string, listener: { isLive: boolean }): Promise<ApiKeyRecord | null> {
    const generation = this.generation;
    const live = listener.isLive;
    const lookup = db()
      .apiKey.findUnique({ where: { keyHash } })
      .then((record) => {
        if (record && live && generation === this.generation) {
          if (this.byHash.size >= MAX_ENTRIES) this.byHash.clear();
          this.byHash.set(keyHash, { record, at: Date.now() });
        } else if (!record) this.byHash.delete(keyHash);
        return record;
      })
      .finally(() => this.flights.delete(keyHash));
    this.flights.set(keyHash, lookup);
    return lookup;
  }

  private drop(id: string): void {
    this.generation++;
    for (const [hash, entry] of this.byHash) if (entry.record.id === id) this.byHash.delete(hash);
  }

  private clear(): void {
    this.generation++;
    this.byHash.clear();
  }
}

/** The API key with this hash (from this process's cache while change notices flow), or null. */
export function findApiKeyByHash(keyHash: string): Promise<ApiKeyRecord | null> {
  return processSingleton("api-key-cache", () => new ApiKeyCache()).find(keyHash);
}

/**
 * Call inside every transaction that changes an api_keys row; await `delivered()` after the commit (it
 * resolves once the notice has gone round, see lib/db/changes.ts).
 */
export function announceApiKeyChange(sql: SqlRunner, apiKeyId: string): Promise<{ delivered: () => Promise<void> }> {
  return announceChange(sql, "api-key", apiKeyId);
}
