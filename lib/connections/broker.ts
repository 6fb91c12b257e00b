import "server-only";
// TokenBroker: the only way anything in the app gets a provider access token: memory (dropped on every
// instance at once by a change notice, lib/db/changes.ts), then the sealed shared row, then one leader per
// connection across all processes (lib/connections/README.md, "How the broker gets a token"). Any number of
// instances and concurrent callers cause one token request per token lifetime.
import { AppError, err, ok, type Result } from "@/lib/errors";
import { afterArrivedNotices, announceChange, changeListener } from "@/lib/db/changes";
import { db, type Tx } from "@/lib/db/client";
import { log } from "@/lib/log";
import { connectionTokenContext, seal, unseal } from "@/lib/secrets/seal";
import type { OutboundPolicy } from "@/lib/http/outbound";
import {
  providerAdapter,
  tokenRateLimit,
  type ProviderAdapter,
  type ProviderError,
  type ProviderId,
  type ProviderToken,
} from "./providers/index";
import { assertSecretBoundHere, readClientSecret, toRequestConfig, type ConnectionRecord } from "./records";
import { recordTokenRequest, waitForTokenBudget } from "./rate-limit";
import {
  acquireTokenLease,
  bumpTokenFence,
  releaseTokenLease,
  writeFencedToken,
  writeHealthyToken,
} from "./token-lease";
import { noteConnectionHealth } from "@/lib/webhooks/emit";
import { processSingleton } from "@/lib/server/process-singleton";

export interface BrokerToken {
  accessToken: string;
  tokenType: string;
  expiresAt: Date;
}

export interface TokenBrokerOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  adapter?: (provider: ProviderId) => ProviderAdapter;
  readSecret?: (connection: ConnectionRecord) => Promise<string>;
  /** Per provider; default the documented limits (Inyo 60 a minute). */
  rateLimit?: (provider: ProviderId) => { limit: number; windowMs: number } | null;
  /** Attempts per token acquisition on 429/503/network errors (default 4). */
  maxAttempts?: number;
  /** Longest a caller waits for backoff and rate-limit slots together (default 30 s). */
  maxWaitMs?: number;
  /**
   * Safety net: how long the in-process copy is trusted without reading PostgreSQL again while change
   * notices flow (default 30 s). Without a live listener the copy is never trusted.
   */
  memoryRecheckMs?: number;
  /** How long a leader owns a connection's token request before another process may take over (default maxWaitMs + 30 s). */
  leaseMs?: number;
  policy?: OutboundPolicy;
}

interface MemoryEntry {
  token: BrokerToken;
  refreshAt: number;
  checkedAt: number;
}

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

/** Renew this long before expiry: a fifth of the lifetime, at most a minute. */
export function refreshLeadMs(lifetimeMs: number): number {
  return Math.min(60_000, Math.max(0, lifetimeMs) / 5);
}

/** Pause after `failures` consecutive failures: 5 s, 10 s, 20 s, … at most 60 s. */
export function cooldownMs(failures: number): number {
  return Math.min(60_000, 5_000 * 2 ** Math.max(0, failures - 1));
}

/** Full-jitter exponential backoff, never shorter than what Retry-After asked for. */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, random: () => number): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  const jittered = Math.round(random() * exp);
  return retryAfterMs !== undefined ? retryAfterMs + Math.round(random() * BACKOFF_BASE_MS) : Math.max(50, jittered);
}

function providerFailureToAppError(error: ProviderError): AppError {
  if (error.kind === "rate-limited") return new AppError("RATE_LIMITED", error.message, { cause: error });
  if (error.kind === "unavailable" || error.kind === "network" || error.kind === "timeout")
    return new AppError("UNAVAILABLE", error.message, { cause: error });
  return new AppError("UPSTREAM", error.message, { cause: error });
}

/** Whether two reads of a connection point at the same stored secret, bound to the same token URL. */
function sameSecret(a: ConnectionRecord, b: ConnectionRecord): boolean {
  return (
    a.secretName === b.secretName &&
    a.secretVersionId === b.secretVersionId &&
    a.secretTokenOrigin === b.secretTokenOrigin &&
    a.tokenUrl === b.tokenUrl
  );
}

/** What a change leaves to its caller: await `delivered()` after the transaction commits. */
export type ChangeNotice = { delivered: () => Promise<void> };

export class TokenBroker {
  private readonly memory = new Map<string, MemoryEntry>();
  /** Bumped by every change notice: a read that started before one never lands in memory. */
  private generation = 0;
  private subscribed = false;
  private readonly flights = new Map<string, Promise<Result<BrokerToken, AppError>>>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly adapter: (provider: ProviderId) => ProviderAdapter;
  private readonly readSecret: (connection: ConnectionRecord) => Promise<string>;
  private readonly rateLimit: (provider: ProviderId) => { limit: number; windowMs: number } | null;
  private readonly maxAttempts: number;
  private readonly maxWaitMs: number;
  private readonly memoryRecheckMs: number;
  private readonly leaseMs: number;
  private readonly policy: OutboundPolicy | undefined;

  constructor(opts: TokenBrokerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.adapter = opts.adapter ?? providerAdapter;
    this.readSecret = opts.readSecret ?? readClientSecret;
    this.rateLimit = opts.rateLimit ?? tokenRateLimit;
    this.maxAttempts = opts.maxAttempts ?? 4;
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
    this.memoryRecheckMs = opts.memoryRecheckMs ?? 30_000;
    this.leaseMs = opts.leaseMs ?? this.maxWaitMs + 30_000;
    this.policy = opts.policy;
  }

  /**
   * A valid access token for the connection. `rejectedToken`: the API refused this token (401/403), so
   * a different one is needed (concurrent callers that saw the same refusal share one new token).
   */
  async getToken(connectionId: string, opts: { rejectedToken?: string } = {}): Promise<Result<BrokerToken, AppError>> {
    const rejected = opts.rejectedToken;
    // With nothing of this connection in memory or in flight here, an arrived notice cannot change the answer:
    // the new flight reads PostgreSQL, which holds every change a notice announces, so it starts at once.
    if (this.memory.has(connectionId) || this.flights.has(connectionId)) await afterArrivedNotices();
    const mem = this.memory.get(connectionId);
    const now = this.now();
    if (
      mem &&
      this.listening() &&
      mem.token.accessToken !== rejected &&
      now < mem.refreshAt &&
      now - mem.checkedAt < this.memoryRecheckMs
    ) {
      // Checked again in the background past half that time, so a busy connection's callers never wait for it.
      if (now - mem.checkedAt >= this.memoryRecheckMs / 2 && !this.flights.has(connectionId))
        void this.fly(connectionId, undefined).catch(() => undefined);
      return ok(mem.token);
    }
    for (;;) {
      const flight = this.flights.get(connectionId);
      if (!flight) break;
      const shared = await flight;
      if (!shared.ok || shared.data.accessToken !== rejected) return shared;
    }
    // Nothing usable in memory while notices flow (first use, past the refresh time): eager, see acquire.
    const eager = rejected === undefined && this.listening() && (!mem || now >= mem.refreshAt);
    return this.fly(connectionId, rejected, eager);
  }

  /** Starts this process's one flight for the connection's token (concurrent callers share it). */
  private fly(
    connectionId: string,
    rejected: string | undefined,
    eager = false,
  ): Promise<Result<BrokerToken, AppError>> {
    const flight = this.acquire(connectionId, rejected, { eager }).finally(() => this.flights.delete(connectionId));
    this.flights.set(connectionId, flight);
    return flight;
  }

  /**
   * Runs one API call with the connection's token. On 401/403 the token is dropped and the call is tried
   * once more with a new one (the provider documents both as "token no longer good").
   */
  async callApi<T extends { status: number }>(
    connectionId: string,
    call: (token: BrokerToken) => Promise<T>,
  ): Promise<Result<T, AppError>> {
    const first = await this.getToken(connectionId);
    if (!first.ok) return first;
    const answer = await call(first.data);
    if (answer.status !== 401 && answer.status !== 403) return ok(answer);
    const second = await this.getToken(connectionId, { rejectedToken: first.data.accessToken });
    if (!second.ok) return second;
    return ok(await call(second.data));
  }

  /**
   * Forgets the token of a connection everywhere (disable, edit; a leader in flight writes none): run it in the
   * change's transaction and await `delivered()` after the commit.
   */
  async invalidate(
    connectionId: string,
    tx: Pick<Tx, "connectionToken" | "$queryRaw" | "$executeRaw"> = db(),
  ): Promise<ChangeNotice> {
    this.forgetInProcess(connectionId);
    await tx.connectionToken.deleteMany({ where: { connectionId } });
    await bumpTokenFence(tx, connectionId);
    return this.announce(connectionId, tx);
  }

  /**
   * Tells every instance to drop its in-process copy of the connection's token (rotation, delete, and
   * invalidate above), in the change's transaction; await `delivered()` after the commit.
   */
  announce(connectionId: string, tx: Pick<Tx, "$executeRaw"> = db()): Promise<ChangeNotice> {
    this.forgetInProcess(connectionId);
    return announceChange(tx, "connection", connectionId);
  }

  /** Drops only this process's copy (the stored token stays). */
  forgetInProcess(connectionId: string): void {
    this.generation++;
    this.memory.delete(connectionId);
  }

  /**
   * Stores a token obtained elsewhere (e.g. the verification fetch of a rotation) as the current one; a
   * leader in flight (with the old secret) writes none after it.
   */
  async storeToken(
    connectionId: string,
    token: ProviderToken,
    tx: Pick<Tx, "connectionToken" | "$queryRaw" | "$executeRaw"> = db(),
  ): Promise<void> {
    await bumpTokenFence(tx, connectionId);
    const sealed = seal(token.accessToken, connectionTokenContext(connectionId, token.obtainedAt));
    const data = {
      sealed: new Uint8Array(sealed.sealed),
      localKeyId: sealed.keyId,
      tokenType: token.tokenType,
      obtainedAt: token.obtainedAt,
      expiresAt: token.expiresAt,
    };
    await tx.connectionToken.upsert({ where: { connectionId }, create: { connectionId, ...data }, update: data });
    this.memory.delete(connectionId);
  }

  // ───────────────────────── internals ─────────────────────────

  /** True while change notices reach this process (subscribing on first use): only then is memory trusted. */
  private listening(): boolean {
    const listener = changeListener();
    if (!this.subscribed) {
      this.subscribed = true;
      listener.subscribe("connection", {
        onChange: (id) => this.forgetInProcess(id),
        onReset: () => this.forgetAllInProcess(),
      });
    }
    return listener.isLive;
  }

  private forgetAllInProcess(): void {
    this.generation++;
    this.memory.clear();
  }

  /** Keeps the token in memory unless a change notice came since `generation` was read. */
  private remember(connectionId: string, token: BrokerToken, obtainedAt: Date, generation: number): BrokerToken {
    if (generation !== this.generation) return token;
    const lifetime = token.expiresAt.getTime() - obtainedAt.getTime();
    this.memory.set(connectionId, {
      token,
      refreshAt: token.expiresAt.getTime() - refreshLeadMs(lifetime),
      checkedAt: this.now(),
    });
    return token;
  }

  /** The stored token when it is still good for callers (before its refresh time) and not the rejected one. */
  private async readStored(
    client: Pick<Tx, "connectionToken">,
    connectionId: string,
    rejected: string | undefined,
    { acceptUntilExpiry = false } = {},
  ): Promise<{ token: BrokerToken; obtainedAt: Date } | null> {
    const row = await client.connectionToken.findUnique({ where: { connectionId }, omit: { sealed: false } });
    if (!row) return null;
    const lifetime = row.expiresAt.getTime() - row.obtainedAt.getTime();
    const limit = acceptUntilExpiry
      ? row.expiresAt.getTime() - 5_000
      : row.expiresAt.getTime() - refreshLeadMs(lifetime);
    if (this.now() >= limit) return null;
    let accessToken: string;
    try {
      accessToken = unseal(row.sealed, row.localKeyId, connectionTokenContext(connectionId, row.obtainedAt));
    } catch (error) {
      // A token sealed under a key we no longer hold is simply fetched again.
      log().warn(
        { connectionId, err: error instanceof Error ? error.message : String(error) },
        "stored connection token does not open",
      );
      return null;
    }
    if (accessToken === rejected) return null;
    return { token: { accessToken, tokenType: row.tokenType, expiresAt: row.expiresAt }, obtainedAt: row.obtainedAt };
  }

  private async acquire(
    connectionId: string,
    rejected: string | undefined,
    { eager = false } = {},
  ): Promise<Result<BrokerToken, AppError>> {
    const generation = this.listening() ? this.generation : Number.NaN;
    // Fast path: another process (or an earlier flight) already stored a good token. The row is read in the
    // same round trip, for the lease below.
    const reads = Promise.all([
      this.readStored(db(), connectionId, rejected),
      db().connection.findUnique({ where: { id: connectionId } }),
    ]);
    // Eager (nothing usable in memory): a new token is most likely needed, so the lease is asked for in the
    // same round trip (handed back at once if a stored token turns out good; it is only granted while no
    // other process holds it) and the secret is read as soon as the row shows it is needed.
    const early = eager ? acquireTokenLease(db(), connectionId, this.leaseMs) : Promise.resolve(null);
    const earlySecret = eager
      ? reads
          .then(([stored, row]) => (!stored && row && !this.blockedReason(row) ? this.secretOf(row) : null))
          .catch(() => null)
      : Promise.resolve(null);
    const handBack = (fence: bigint | null) => {
      if (fence !== null) void releaseTokenLease(db(), connectionId, fence).catch(() => undefined);
    };
    let stored: Awaited<typeof reads>[0];
    let pre: Awaited<typeof reads>[1];
    let earlyFence: bigint | null;
    try {
      [[stored, pre], earlyFence] = await Promise.all([reads, early]);
    } catch (error) {
      void early.then(handBack, () => undefined);
      throw error;
    }
    const blocked = stored ? null : this.blockedReason(pre);
    if (stored || blocked || !pre) handBack(earlyFence);
    if (stored) return ok(this.remember(connectionId, stored.token, stored.obtainedAt, generation));
    if (blocked || !pre) return err(blocked ?? new AppError("NOT_FOUND", "This connection does not exist."));

    // Single flight across processes: whoever holds the lease asks the provider; the others look for its
    // token until it appears, the leader fails (cooldown), or its lease expires and one of them takes over.
    const deadline = this.now() + this.leaseMs + this.maxWaitMs;
    for (let round = 0; ; round++) {
      const fence = round === 0 && eager ? earlyFence : await acquireTokenLease(db(), connectionId, this.leaseMs);
      if (fence !== null) {
        try {
          // Read after the grant (a change committed before it is seen; a later one bumps the fence, so this
          // leader writes nothing), all at once: the stored token, the row, and the secret the row read
          // before pointed at (read again below if the row now points elsewhere).
          const [fresh, connection, preSecret] = await Promise.all([
            this.readStored(db(), connectionId, rejected),
            db().connection.findUnique({ where: { id: connectionId } }),
            round === 0 && eager ? earlySecret.then((early) => early ?? this.secretOf(pre)) : this.secretOf(pre),
          ]);
          if (fresh) return ok(this.remember(connectionId, fresh.token, fresh.obtainedAt, generation));
          const stillBlocked = this.blockedReason(connection);
          if (stillBlocked || !connection)
            return err(stillBlocked ?? new AppError("NOT_FOUND", "This connection does not exist."));
          const secret = sameSecret(pre, connection) ? preSecret : await this.secretOf(connection);
          return await this.fetchAndStore(connection, secret, rejected, fence, generation);
        } finally {
          // Callers have their answer first; waiters elsewhere see the token (or the failure) without it.
          void releaseTokenLease(db(), connectionId, fence).catch(() => undefined);
        }
      }
      await this.sleep(Math.min(250, 20 * 2 ** Math.min(round, 4)) + Math.round(this.random() * 20));
      const [theirs, latest] = await Promise.all([
        this.readStored(db(), connectionId, rejected),
        db().connection.findUnique({ where: { id: connectionId } }),
      ]);
      if (theirs) return ok(this.remember(connectionId, theirs.token, theirs.obtainedAt, generation));
      const reason = this.blockedReason(latest);
      if (reason) return err(reason);
      if (this.now() > deadline)
        return err(
          new AppError(
            "UNAVAILABLE",
            "No token could be obtained in time: another server is still asking the provider. Try again shortly.",
          ),
        );
    }
  }

  /** The client secret of the connection, or why it could not be read (never thrown). */
  private async secretOf(connection: ConnectionRecord): Promise<Result<string, unknown>> {
    try {
      // The secret only ever goes to the token URL origin it was entered for (records.ts).
      assertSecretBoundHere(connection);
      return ok(await this.readSecret(connection));
    } catch (error) {
      return err(error);
    }
  }

  private blockedReason(connection: ConnectionRecord | null): AppError | null {
    if (!connection) return new AppError("NOT_FOUND", "This connection does not exist.");
    if (connection.disabledAt)
      return new AppError("CONFLICT", "This connection is disabled: enable it in the dashboard to get tokens.");
    if (!connection.secretName)
      return new AppError("CONFLICT", "This connection has no client secret yet: set one in the dashboard.");
    const until = connection.cooldownUntil?.getTime() ?? 0;
    if (until > this.now()) {
      const seconds = Math.ceil((until - this.now()) / 1000);
      const reason = connection.lastFailureMessage ?? "the last token request failed";
      return new AppError(
        "UNAVAILABLE",
        `The last token request failed (${reason}); the next attempt is allowed in ${seconds} s.`,
      );
    }
    return null;
  }

  private async fetchAndStore(
    connection: ConnectionRecord,
    secretRead: Result<string, unknown>,
    rejected: string | undefined,
    fence: bigint,
    generation: number,
  ): Promise<Result<BrokerToken, AppError>> {
    if (!secretRead.ok) {
      const error = secretRead.error;
      const message =
        error instanceof AppError ? error.userMessage : "The client secret could not be read from the secret store.";
      await db().$transaction((tx) => this.recordFailure(tx, connection.id, message, null, null));
      return err(error instanceof AppError ? error : new AppError("UNAVAILABLE", message, { cause: error }));
    }
    const outcome = await this.requestWithBackoff(connection, secretRead.data);
    if (outcome.ok) {
      const token = outcome.data;
      const sealed = seal(token.accessToken, connectionTokenContext(connection.id, token.obtainedAt));
      const row = {
        sealed: new Uint8Array(sealed.sealed),
        localKeyId: sealed.keyId,
        tokenType: token.tokenType,
        obtainedAt: token.obtainedAt,
        expiresAt: token.expiresAt,
      };
      const success = {
        at: new Date(this.now()),
        latencyMs: token.latencyMs,
        httpStatus: token.httpStatus,
      };
      // One statement when the connection was healthy (the usual case); after failures, the transaction
      // that also announces the recovery (lib/webhooks/emit.ts).
      const quick = await writeHealthyToken(db(), connection.id, fence, row, success);
      const written =
        quick !== "after-failures"
          ? quick === "written"
          : await db().$transaction(async (tx) => {
              const fenced = await writeFencedToken(tx, connection.id, fence, row);
              if (!fenced) return false;
              await noteConnectionHealth(tx, connection.id, { ok: true });
              await tx.connection.update({
                where: { id: connection.id },
                data: { lastSuccessAt: success.at, consecutiveFailures: 0, cooldownUntil: null },
              });
              await tx.connectionEvent.create({
                data: {
                  connectionId: connection.id,
                  type: "token_fetched",
                  ok: true,
                  latencyMs: success.latencyMs,
                  httpStatus: success.httpStatus,
                },
              });
              return true;
            });
      if (!written) {
        // This process stalled past its lease and a newer leader took over: its token stands, not ours.
        log().warn(
          { connectionId: connection.id, fence: String(fence) },
          "token lease lost before the write; the newer leader's token is kept",
        );
        const newer = await this.readStored(db(), connection.id, rejected, { acceptUntilExpiry: true });
        if (newer) return ok(this.remember(connection.id, newer.token, newer.obtainedAt, generation));
        return ok({ accessToken: token.accessToken, tokenType: token.tokenType, expiresAt: token.expiresAt });
      }
      this.memory.delete(connection.id);
      const result = { accessToken: token.accessToken, tokenType: token.tokenType, expiresAt: token.expiresAt };
      return ok(this.remember(connection.id, result, token.obtainedAt, generation));
    }
    const { failure, latencyMs } = outcome.error;
    await db().$transaction((tx) =>
      this.recordFailure(
        tx,
        connection.id,
        failure.message,
        failure instanceof AppError ? null : (failure.httpStatus ?? null),
        latencyMs,
      ),
    );
    // The refresh failed but the current token has not expired yet: callers keep working meanwhile.
    const still = await this.readStored(db(), connection.id, rejected, { acceptUntilExpiry: true });
    if (still) return ok(still.token);
    return err(failure instanceof AppError ? failure : providerFailureToAppError(failure));
  }

  private async recordFailure(
    tx: Tx,
    connectionId: string,
    message: string,
    httpStatus: number | null,
    latencyMs: number | null,
  ) {
    await noteConnectionHealth(tx, connectionId, { ok: false, message, httpStatus });
    const updated = await tx.connection.update({
      where: { id: connectionId },
      data: {
        lastFailureAt: new Date(this.now()),
        lastFailureMessage: message.slice(0, 500),
        consecutiveFailures: { increment: 1 },
      },
      select: { consecutiveFailures: true },
    });
    await tx.connection.update({
      where: { id: connectionId },
      data: { cooldownUntil: new Date(this.now() + cooldownMs(updated.consecutiveFailures)) },
    });
    await tx.connectionEvent.create({
      data: { connectionId, type: "token_failed", ok: false, httpStatus, latencyMs, message: message.slice(0, 500) },
    });
    log().warn({ connectionId, httpStatus, failure: message }, "connection token request failed");
  }

  /** Asks the provider, pacing under its rate limit and backing off on 429/503/network failures. */
  private async requestWithBackoff(
    connection: ConnectionRecord,
    secret: string,
  ): Promise<Result<ProviderToken, { failure: ProviderError | AppError; latencyMs: number | null }>> {
    const adapter = this.adapter(connection.provider);
    const limit = this.rateLimit(connection.provider);
    const started = this.now();
    const deadline = started + this.maxWaitMs;
    let lastError: ProviderError | undefined;
    for (let attempt = 0; attempt < this.maxAttempts; attempt++) {
      if (limit) {
        const slot = await waitForTokenBudget(connection.id, limit, {
          deadline,
          now: this.now,
          sleep: this.sleep,
          providerLabel: adapter.label,
        });
        if (!slot.ok) return err({ failure: lastError ?? slot.error, latencyMs: null });
      }
      const ask = () => adapter.fetchToken(toRequestConfig(connection), secret, { now: this.now, policy: this.policy });
      // Under a limit the request is on record before it leaves; otherwise the record is only a count.
      const result = limit
        ? (await recordTokenRequest(connection.id), await ask())
        : (await Promise.all([recordTokenRequest(connection.id), ask()]))[1];
      if (result.ok) return result;
      lastError = result.error;
      if (!result.error.transient || attempt === this.maxAttempts - 1) break;
      const wait = backoffMs(attempt, result.error.retryAfterMs, this.random);
      if (this.now() + wait > deadline) break;
      log().info(
        { connectionId: connection.id, attempt: attempt + 1, waitMs: wait, status: result.error.httpStatus },
        "token request backing off",
      );
      await this.sleep(wait);
    }
    return err({
      failure: lastError ?? new AppError("UNAVAILABLE", "No token request could be made."),
      latencyMs: this.now() - started,
    });
  }
}

/** The process's broker (one in-process cache and single-flight table per process). */
export function tokenBroker(): TokenBroker {
  return processSingleton("token-broker", () => new TokenBroker());
}
