import "server-only";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/server/process-singleton";

// Change notices between app instances over PostgreSQL LISTEN/NOTIFY (see lib/db/README.md): a change that
// in-process caches must see (API key revoked, connection disabled or rotated) is announced in the same
// transaction, so the notice leaves on commit, and every instance's listener drops its cached copy.
// Caches trust their entries only while this process's listener is live: connected, LISTENing, and seen
// to receive a notice it sent itself (at start and every 15 s), so a listener that hears nothing (a lost
// connection, a pooler that drops LISTEN) turns caches off rather than letting them go stale.

export type ChangeTopic = "api-key" | "connection";

const CHANNEL = "seller_onboarding_changes";
const RECONNECT_MS = [250, 500, 1_000, 2_000, 5_000];
/** How long an announcer waits for its own notice to come round (see announceChange). */
const DELIVERY_WAIT_MS = 10_000;
/** A notice the listener sends itself: how often, and how long it may take to come back. */
const HEARTBEAT_EVERY_MS = 15_000;
const HEARTBEAT_WAIT_MS = 5_000;
/** This process among the listeners: named in its heartbeats, notices and acknowledgements. */
const INSTANCE = randomBytes(6).toString("base64url");
/** A peer not heard from (heartbeat, notice or acknowledgement) for this long is no longer waited for. */
const PEER_TTL_MS = 2 * HEARTBEAT_EVERY_MS + HEARTBEAT_WAIT_MS;
/** How long an announcer waits for every live peer to acknowledge that its caches dropped the record. */
const ACK_WAIT_MS = 5_000;

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
  /** Other listening instances, by the time they were last heard from. */
  private readonly peers = new Map<string, number>();
  private readonly ackWaiters = new Map<string, (from: string) => void>();

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

  /**
   * Resolves with true when this process has received the notice `nonce`, with false after `waitMs`. A
   * notice that never comes back means the listener hears nothing: caches go off until it is back.
   */
  waitFor(nonce: string, waitMs = DELIVERY_WAIT_MS): { promise: Promise<boolean>; cancel: () => void } {
    let cancel = () => undefined as void;
    const promise = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        done(false);
        if (this.client) this.lost(this.client, new Error("a change notice did not come back"));
      }, waitMs);
      timer.unref();
      const done = (received: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(nonce);
        resolve(received);
      };
      this.waiters.set(nonce, () => done(true));
      cancel = () => done(false);
    });
    return { promise, cancel };
  }

  /**
   * Collects acknowledgements of the notice `nonce` from every peer heard from lately (each acknowledges
   * after its caches dropped the record). `wait()` resolves when all did, or ACK_WAIT_MS after it was
   * called: a silent peer is then forgotten until heard from again. Unwaited (a rollback), it lapses.
   */
  expectAcks(nonce: string): { wait: () => Promise<void> } {
    const now = Date.now();
    const pending = new Set([...this.peers].filter(([, at]) => now - at < PEER_TTL_MS).map(([peer]) => peer));
    if (pending.size === 0) return { wait: () => Promise.resolve() };
    let allIn = () => undefined as void;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    this.ackWaiters.set(nonce, (from) => {
      pending.delete(from);
      if (pending.size === 0) allIn();
    });
    const forget = () => this.ackWaiters.delete(nonce);
    setTimeout(forget, 60_000).unref();
    return {
      wait: async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), ACK_WAIT_MS);
          timer.unref();
        });
        const timedOut = await Promise.race([done.then(() => false), late]);
        clearTimeout(timer);
        forget();
        if (!timedOut) return;
        for (const peer of pending) this.peers.delete(peer);
        log().warn({ silentPeers: pending.size }, "change notice not acknowledged by every instance in time");
      },
    };
  }

  /** Waits (at most 10 s) until this process listens, then until a fresh notice of its own comes back. */
  async barrier(): Promise<void> {
    const deadline = Date.now() + DELIVERY_WAIT_MS;
    while (!this.isLive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const client = this.client;
    if (this.isLive && client) await this.heartbeat(client);
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
    this.client = client;
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
    // Live only once a notice sent through the application's own pool has come back to this listener.
    if (!(await this.heartbeat(client))) return;
    this.attempt = 0;
    // Anything cached before this LISTEN may have missed a notice.
    this.resetAll();
    this.live = true;
    const timer = setInterval(() => {
      if (this.client !== client) return clearInterval(timer);
      void this.heartbeat(client);
    }, HEARTBEAT_EVERY_MS);
    timer.unref();
  }

  /**
   * Sends a notice to itself through the pool (every listener learns of this instance from it); false (and
   * the listener dropped) when it does not come back.
   */
  private async heartbeat(client: pg.Client): Promise<boolean> {
    const nonce = randomBytes(9).toString("base64url");
    const waiting = this.waitFor(nonce, HEARTBEAT_WAIT_MS);
    try {
      await db().$executeRaw`SELECT pg_notify(${CHANNEL}, ${`heartbeat ${INSTANCE} ${nonce}`})`;
    } catch (error) {
      waiting.cancel();
      this.lost(client, error);
      return false;
    }
    return waiting.promise;
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    const wasLive = this.live;
    this.live = false;
    this.client = null;
    this.resetAll();
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (wasLive || error)
      log().warn(
        { err: error instanceof Error ? error.message : null },
        "change listener lost its PostgreSQL connection; caches off until it is back",
      );
    const wait = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)] ?? 5_000;
    setTimeout(() => void this.start(), wait).unref();
  }

  private deliver(payload: string): void {
    const [topic, id, nonce, from] = payload.split(" ");
    if (!topic || !id) return;
    if (topic === "heartbeat") {
      // A peer heard for the first time hears of this one at once too (it may have started listening later).
      if (id !== INSTANCE && !this.peers.has(id)) void this.notify(`hello ${INSTANCE}`);
      if (id !== INSTANCE) this.peers.set(id, Date.now());
      if (nonce) this.waiters.get(nonce)?.();
      return;
    }
    if (topic === "hello") {
      if (id !== INSTANCE) this.peers.set(id, Date.now());
      return;
    }
    // "ack <nonce> <instance>": that instance dropped what the notice <nonce> named.
    if (topic === "ack") {
      if (nonce && nonce !== INSTANCE) {
        this.peers.set(nonce, Date.now());
        this.ackWaiters.get(id)?.(nonce);
      }
      return;
    }
    for (const s of this.subscribers.get(topic as ChangeTopic) ?? []) s.onChange(id);
    if (nonce) this.waiters.get(nonce)?.();
    // Dropped from this process's caches (above, synchronously): the announcer may go on.
    if (nonce && from && from !== INSTANCE) {
      this.peers.set(from, Date.now());
      void this.notify(`ack ${nonce} ${INSTANCE}`);
    }
  }

  private async notify(payload: string): Promise<void> {
    try {
      await db().$executeRaw`SELECT pg_notify(${CHANNEL}, ${payload})`;
    } catch (error) {
      log().warn({ err: error instanceof Error ? error.message : String(error) }, "change listener could not answer");
    }
  }

  private resetAll(): void {
    for (const set of this.subscribers.values()) for (const s of set) s.onReset();
  }
}

/** The process's change listener (one LISTEN connection per process, opened on first use). */
export function changeListener(): ChangeListener {
  return processSingleton("change-listener", () => new ChangeListener());
}

/**
 * Announces that `id` of `topic` changed. Run it inside the transaction that makes the change (the notice
 * leaves on commit; a rollback sends nothing), then await `delivered()` after the commit: it resolves once
 * this process's own listener has received the notice, by which time PostgreSQL has sent it to every
 * listening instance (bounded by 10 s, and at once when this process has no live listener; a notice that does not come back in time marks the listener broken, which turns this process's caches off).
 */
export async function announceChange(
  sql: SqlRunner,
  topic: ChangeTopic,
  id: string,
): Promise<{ delivered: () => Promise<void> }> {
  const listener = changeListener();
  const nonce = randomBytes(9).toString("base64url");
  const waiting = listener.isLive ? listener.waitFor(nonce) : null;
  const acknowledged = listener.expectAcks(nonce);
  try {
    await sql.$executeRaw`SELECT pg_notify(${CHANNEL}, ${`${topic} ${id} ${nonce} ${INSTANCE}`})`;
  } catch (error) {
    waiting?.cancel();
    throw error;
  }
  return {
    delivered: async () => {
      // Every other live instance says its caches dropped the record (PostgreSQL delivers to each listener
      // on its own schedule, so this process hearing its own notice is not enough).
      await acknowledged.wait();
      if (waiting && (await waiting.promise)) return;
      // This process heard nothing (no live listener then, or the notice did not come back): once it
      // listens again, a later notice coming round shows the change's notice has gone round too.
      await listener.barrier();
    },
  };
}

/** The check-phase turn every caller of this event-loop turn waits for (one setImmediate per turn, not per call). */
let nextCheckPhase: Promise<void> | undefined;

/**
 * Lets I/O that has already arrived (a change notice among it) run before a cache answers from memory, so
 * a request that reaches this process after a notice did is never answered from the old copy. It resolves
 * in the check phase after the poll phase the caller ran in (or a later one): all I/O that poll saw ready
 * has run by then. Callers of one turn share it.
 */
export function afterArrivedNotices(): Promise<void> {
  return (nextCheckPhase ??= new Promise((resolve) =>
    setImmediate(() => {
      nextCheckPhase = undefined;
      resolve();
    }),
  ));
}
