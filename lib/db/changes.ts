import "server-only";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";

// Change notices between app instances over PostgreSQL LISTEN/NOTIFY (see lib/db/README.md): a change that
// in-process caches must see (API key revoked, connection disabled or rotated) is announced in the same
// transaction, so the notice leaves on commit, and every instance's listener drops its cached copy.
// Caches trust their entries only while this process's listener is connected: before the first LISTEN,
// and from a lost connection until the next LISTEN, every lookup goes to PostgreSQL.

export type ChangeTopic = "api-key" | "connection";

const CHANNEL = "seller_onboarding_changes";
const RECONNECT_MS = [250, 500, 1_000, 2_000, 5_000];
/** How long an announcer waits for its own notice to come round (see announceChange). */
const DELIVERY_WAIT_MS = 2_000;

type Subscriber = { onChange: (id: string) => void; onReset: () => void };

/** Anything that can run raw SQL: db() or a transaction client. */
export interface SqlRunner {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

class ChangeListener {
  private client: pg.Client | null = null;
  private live = false;
  private starting: Promise<void> | null = null;
  private attempt = 0;
  private readonly subscribers = new Map<ChangeTopic, Set<Subscriber>>();
  private readonly waiters = new Map<string, () => void>();

  /** True while notices are being received: only then may a cache answer from memory. */
  get isLive(): boolean {
    if (!this.live && !this.starting) void this.start();
    return this.live;
  }

  subscribe(topic: ChangeTopic, subscriber: Subscriber): void {
    const set = this.subscribers.get(topic) ?? new Set<Subscriber>();
    set.add(subscriber);
    this.subscribers.set(topic, set);
    if (!this.live && !this.starting) void this.start();
  }

  /** Resolves when this process has received the notice `nonce` (or after a bound; see announceChange). */
  waitFor(nonce: string): { promise: Promise<void>; cancel: () => void } {
    let cancel = () => undefined as void;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), DELIVERY_WAIT_MS);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(nonce);
        resolve();
      };
      this.waiters.set(nonce, done);
      cancel = done;
    });
    return { promise, cancel };
  }

  private start(): Promise<void> {
    this.starting ??= this.connect().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async connect(): Promise<void> {
    const { databaseUrl } = config();
    if (!databaseUrl) return;
    const client = new pg.Client({ connectionString: databaseUrl, application_name: "seller-onboarding listener" });
    client.on("notification", (message) => this.deliver(message.payload ?? ""));
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    // The listener must never keep a CLI or test process alive on its own.
    (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    this.client = client;
    this.attempt = 0;
    // Anything cached before this LISTEN may have missed a notice.
    this.resetAll();
    this.live = true;
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client && this.client !== null) return;
    const wasLive = this.live;
    this.live = false;
    this.client = null;
    this.resetAll();
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (wasLive || error) log().warn({ err: error instanceof Error ? error.message : null }, "change listener lost its PostgreSQL connection; caches off until it is back");
    const wait = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)] ?? 5_000;
    setTimeout(() => void this.start(), wait).unref();
  }

  private deliver(payload: string): void {
    const [topic, id, nonce] = payload.split(" ");
    if (!topic || !id) return;
    for (const s of this.subscribers.get(topic as ChangeTopic) ?? []) s.onChange(id);
    if (nonce) this.waiters.get(nonce)?.();
  }

  private resetAll(): void {
    for (const set of this.subscribers.values()) for (const s of set) s.onReset();
  }
}

const globalForChanges = globalThis as unknown as { __sellerOnboardingChanges?: ChangeListener };

/** The process's change listener (one LISTEN connection per process, opened on first use). */
export function changeListener(): ChangeListener {
  globalForChanges.__sellerOnboardingChanges ??= new ChangeListener();
  return globalForChanges.__sellerOnboardingChanges;
}

/**
 * Announces that `id` of `topic` changed. Run it inside the transaction that makes the change (the notice
 * leaves on commit; a rollback sends nothing), then await `delivered()` after the commit: it resolves once
 * this process's own listener has received the notice, by which time PostgreSQL has sent it to every
 * listening instance (bounded by 2 s, and at once when this process has no live listener).
 */
export async function announceChange(sql: SqlRunner, topic: ChangeTopic, id: string): Promise<{ delivered: () => Promise<void> }> {
  const listener = changeListener();
  const nonce = randomBytes(9).toString("base64url");
  const waiting = listener.isLive ? listener.waitFor(nonce) : null;
  try {
    await sql.$executeRaw`SELECT pg_notify(${CHANNEL}, ${`${topic} ${id} ${nonce}`})`;
  } catch (error) {
    waiting?.cancel();
    throw error;
  }
  return { delivered: () => waiting?.promise ?? Promise.resolve() };
}
