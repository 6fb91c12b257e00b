import "server-only";
import { config } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import type { Result } from "@/lib/errors";
import type { CredentialVerificationResult } from "@/lib/db/generated/client";
import { log } from "@/lib/log";
import { emitCredentialVerification } from "@/lib/webhooks/emit";
import { secretStore, SecretStoreError, type SecretStore } from "@/lib/secrets";
import type { Tx } from "@/lib/db/client";
import { recordEvent } from "./authorizations";
import { loginOnce, type NoonCallFailure } from "./client";
import { resolveDeps, type NoonSettings } from "./deps";
import type { FirstVerificationJob } from "./verify-queue";

// Proving a stored seller key works: the key is read from the secret store, used for one Noon login
// (the integrator's kind of login, with the seller's project code), and the session is dropped at once.
// The outcome goes on the credential and on its request's timeline. Design: lib/noon/README.md.

export type VerificationOutcome = "ok" | "rejected" | "unreachable" | "missing";
export type VerificationTrigger = "manual" | "scheduled" | "after_store";

export type VerificationReport = {
  credentialId: string;
  authorizationId: string;
  sellerId: string;
  outcome: VerificationOutcome;
  /** Noon's HTTP status when it answered. */
  httpStatus: number | null;
  /** One line for people (Noon's message when it gave one); never the key. */
  message: string;
  needsReconnect: boolean;
  verifiedAt: Date;
};

export type VerifyRefusal = {
  code: "not_found" | "not_current" | "not_configured" | "not_claimed";
  message: string;
};
export type VerifyResult = Result<VerificationReport, VerifyRefusal>;

export type VerifyDeps = {
  /** Default: config().noon. */
  noon?: NoonSettings | null;
  store?: SecretStore;
  timeoutMs?: number;
  now?: () => Date;
};

/** Failures in a row (rejected or missing) that mark a credential "needs reconnect". */
export const NEEDS_RECONNECT_AFTER = 2;
/** After a failure the schedule checks again within this (so two failures in a row do not take two days). */
const RECHECK_AFTER_FAILURE_MS = 60 * 60 * 1000;
/** After Noon or the store could not be reached. */
const RECHECK_AFTER_UNREACHABLE_MS = 15 * 60 * 1000;
/** A claimed scheduled verification that never recorded (crash) is due again after this. */
const CLAIM_LEASE_MS = 10 * 60 * 1000;

const dbResult: Record<VerificationOutcome, CredentialVerificationResult> = {
  ok: "OK",
  rejected: "REJECTED",
  unreachable: "UNREACHABLE",
  missing: "MISSING",
};

type Attempt = { outcome: VerificationOutcome; httpStatus: number | null; message: string };

/** What one Noon login failure means for the key: Noon refused it, or Noon could not say. */
function fromLoginFailure(error: NoonCallFailure): Attempt {
  if (error.kind === "config") return { outcome: "rejected", httpStatus: null, message: error.message };
  if (error.kind === "http" && error.httpStatus !== null && error.httpStatus < 500 && error.httpStatus !== 429) {
    const said = error.providerMessage ? `: ${error.providerMessage}` : "";
    return {
      outcome: "rejected",
      httpStatus: error.httpStatus,
      message: `Noon rejected the key (HTTP ${error.httpStatus}${said})`,
    };
  }
  return { outcome: "unreachable", httpStatus: error.httpStatus, message: error.message };
}

async function attempt({
  cred,
  noon,
  store,
  timeoutMs,
}: {
  cred: { secretName: string; secretVersionId: string | null; keyId: string; projectCode: string };
  noon: NoonSettings;
  store: SecretStore;
  timeoutMs: number | undefined;
}): Promise<Attempt> {
  let privateKey: string;
  try {
    const got = await store.get(cred.secretName, cred.secretVersionId ? { versionId: cred.secretVersionId } : {});
    privateKey = got.value;
  } catch (error) {
    if (error instanceof SecretStoreError && (error.kind === "not-found" || error.kind === "invalid")) {
      return {
        outcome: "missing",
        httpStatus: null,
        message: `The key is missing from the secret store (${error.message})`,
      };
    }
    const detail = error instanceof SecretStoreError ? `${error.kind}: ${error.message}` : "unexpected error";
    return { outcome: "unreachable", httpStatus: null, message: `The secret store could not be read (${detail})` };
  }
  const login = await loginOnce(
    { apiUrl: noon.apiUrl, ...(timeoutMs ? { timeoutMs } : {}) },
    { key_id: cred.keyId, private_key: privateKey, project_code: cred.projectCode },
  );
  if (login.ok) return { outcome: "ok", httpStatus: 200, message: "Key verified with Noon" };
  return fromLoginFailure(login.error);
}

/** When the schedule should verify this credential next, after an attempt with this outcome. */
function nextCheck(outcome: VerificationOutcome, now: Date): Date | null {
  const interval = config().noonVerification.intervalMs;
  if (interval <= 0) return null;
  const wait =
    outcome === "ok"
      ? interval
      : outcome === "unreachable"
        ? Math.min(interval, RECHECK_AFTER_UNREACHABLE_MS)
        : Math.min(interval, RECHECK_AFTER_FAILURE_MS);
  return new Date(now.getTime() + wait);
}

/**
 * Verifies one current (ACTIVE) seller credential with Noon and records the outcome on the credential
 * and on its request's timeline. Two rejected/missing outcomes in a row mark it "needs reconnect".
 */
export async function verifySellerCredential(
  input: {
    credentialId: string;
    trigger: VerificationTrigger;
    actor?: string;
    countAgainstBudget?: boolean;
    /**
     * The lease this run holds (the next_verification_at its claim wrote). When the credential no longer
     * carries it, another verification has just run: nothing is sent to Noon, or nothing is recorded.
     */
    claim?: Date;
  },
  deps: VerifyDeps = {},
): Promise<VerifyResult> {
  const { noon } = resolveDeps(deps.noon === undefined ? {} : { noon: deps.noon });
  const now = deps.now ?? (() => new Date());
  const cred = await db().sellerCredential.findUnique({
    where: { id: input.credentialId },
    select: {
      id: true,
      status: true,
      sellerId: true,
      authorizationId: true,
      secretName: true,
      secretVersionId: true,
      keyId: true,
      projectCode: true,
      nextVerificationAt: true,
    },
  });
  if (!cred) return { ok: false, error: { code: "not_found", message: "No such credential." } };
  if (cred.status !== "ACTIVE") {
    const message =
      cred.status === "PENDING_STORAGE"
        ? "The key is not in the secret store yet; it is verified once stored."
        : "Only the seller's current credential can be verified.";
    return { ok: false, error: { code: "not_current", message } };
  }
  if (!noon) return { ok: false, error: { code: "not_configured", message: "Noon is not configured on this server." } };
  if (input.claim && cred.nextVerificationAt?.getTime() !== input.claim.getTime()) return notClaimed;
  if (input.countAgainstBudget !== false) await spendBudget(1, now());

  const result = await attempt({ cred, noon, store: deps.store ?? secretStore(), timeoutMs: deps.timeoutMs });
  const at = now();
  const report = await db().$transaction((tx) => recordVerification(tx, { cred, result, input, at }));
  if (!report) return notClaimed;
  log()[result.outcome === "ok" ? "info" : "warn"](
    {
      credentialId: cred.id,
      authorizationId: cred.authorizationId,
      outcome: result.outcome,
      httpStatus: result.httpStatus,
      trigger: input.trigger,
    },
    "noon credential verified",
  );
  return { ok: true, data: report };
}

const notClaimed: VerifyResult = {
  ok: false,
  error: { code: "not_claimed", message: "Another verification of this credential has just run." },
};

/** Records one outcome; null (nothing recorded) when a claimed run lost its claim to another verification. */
async function recordVerification(
  tx: Tx,
  {
    cred,
    result,
    input,
    at,
  }: {
    cred: { id: string; sellerId: string; authorizationId: string };
    result: Attempt;
    input: { trigger: VerificationTrigger; actor?: string; claim?: Date };
    at: Date;
  },
): Promise<VerificationReport | null> {
  // One recording at a time per credential, so the failure count is exact.
  const [row] = await tx.$queryRaw<
    {
      verification_failures: number;
      needs_reconnect_at: Date | null;
      last_verification_result: string | null;
      next_verification_at: Date | null;
    }[]
  >`
    SELECT verification_failures, needs_reconnect_at, last_verification_result::text, next_verification_at
      FROM seller_credentials WHERE id = ${cred.id}::uuid FOR UPDATE`;
  if (input.claim && row?.next_verification_at?.getTime() !== input.claim.getTime()) return null;
  const before = row ?? { verification_failures: 0, needs_reconnect_at: null, last_verification_result: null };
  const failures =
    result.outcome === "ok"
      ? 0
      : result.outcome === "unreachable"
        ? before.verification_failures
        : before.verification_failures + 1;
  const needsReconnect =
    result.outcome !== "ok" && (before.needs_reconnect_at !== null || failures >= NEEDS_RECONNECT_AFTER);
  const newlyNeedsReconnect = needsReconnect && before.needs_reconnect_at === null;
  await tx.sellerCredential.update({
    where: { id: cred.id },
    data: {
      lastVerifiedAt: at,
      lastVerificationResult: dbResult[result.outcome],
      lastVerificationStatus: result.httpStatus,
      lastVerificationMessage: result.message,
      verificationFailures: failures,
      needsReconnectAt: result.outcome === "ok" ? null : newlyNeedsReconnect ? at : before.needs_reconnect_at,
      nextVerificationAt: nextCheck(result.outcome, at),
    },
  });
  const details = { outcome: result.outcome, trigger: input.trigger, ...(input.actor ? { by: input.actor } : {}) };
  if (result.outcome === "ok") {
    await recordEvent(tx, {
      authorizationId: cred.authorizationId,
      type: "key_verified",
      at,
      stage: "verify",
      httpStatus: result.httpStatus,
      message: result.message,
      details,
    });
  } else {
    await recordEvent(tx, {
      authorizationId: cred.authorizationId,
      type: "key_verification_failed",
      at,
      stage: "verify",
      httpStatus: result.httpStatus,
      message: result.message,
      details,
    });
  }
  if (newlyNeedsReconnect) {
    await recordEvent(tx, {
      authorizationId: cred.authorizationId,
      type: "needs_reconnect",
      at,
      stage: "verify",
      message: `The key failed verification ${failures} times in a row: the seller must connect their Noon account again`,
    });
  }
  // Webhooks on changes only: the first ok (or the first after failures), and the needs-reconnect mark.
  const outcome = {
    result: result.outcome,
    httpStatus: result.httpStatus,
    message: result.message,
    verifiedAt: at,
    failuresInARow: failures,
  };
  if (result.outcome === "ok" && before.last_verification_result !== "OK")
    await emitCredentialVerification(tx, { credentialId: cred.id, type: "credential.verified", outcome });
  if (newlyNeedsReconnect)
    await emitCredentialVerification(tx, { credentialId: cred.id, type: "credential.invalid", outcome });
  return {
    credentialId: cred.id,
    authorizationId: cred.authorizationId,
    sellerId: cred.sellerId,
    outcome: result.outcome,
    httpStatus: result.httpStatus,
    message: result.message,
    needsReconnect,
    verifiedAt: at,
  };
}

// ───────────────────────── The schedule ─────────────────────────

const windowOf = (now: Date) => new Date(Math.floor(now.getTime() / 60_000) * 60_000);

/** Adds `count` logins to this minute's window (manual and first verifications count, never refused). */
async function spendBudget(count: number, now: Date): Promise<void> {
  await db().$executeRaw`
    INSERT INTO noon_verification_windows AS w (window_start, used) VALUES (${windowOf(now)}, ${count})
    ON CONFLICT (window_start) DO UPDATE SET used = w.used + ${count}`;
}

/**
 * Claims at most what is left of this minute's budget among the due credentials, in one transaction
 * that locks the minute's window row: every process sees the same budget.
 */
async function claimDue(now: Date, perMinute: number, only?: string[]): Promise<{ ids: string[]; lease: Date }> {
  const windowStart = windowOf(now);
  const lease = new Date(now.getTime() + CLAIM_LEASE_MS);
  return db().$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO noon_verification_windows (window_start, used) VALUES (${windowStart}, 0) ON CONFLICT DO NOTHING`;
    const [win] = await tx.$queryRaw<
      { used: number }[]
    >`SELECT used FROM noon_verification_windows WHERE window_start = ${windowStart} FOR UPDATE`;
    const available = perMinute - (win?.used ?? 0);
    if (available <= 0) return { ids: [], lease };
    const due = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM seller_credentials
       WHERE status = 'ACTIVE' AND next_verification_at <= ${now}
         AND (${only ?? null}::uuid[] IS NULL OR id = ANY(${only ?? null}::uuid[]))
       ORDER BY next_verification_at
       LIMIT ${available}
       FOR UPDATE SKIP LOCKED`;
    if (due.length === 0) return { ids: [], lease };
    const ids = due.map((d) => d.id);
    await tx.$executeRaw`UPDATE seller_credentials SET next_verification_at = ${lease} WHERE id = ANY(${ids}::uuid[])`;
    await tx.$executeRaw`UPDATE noon_verification_windows SET used = used + ${ids.length} WHERE window_start = ${windowStart}`;
    return { ids, lease };
  });
}

/**
 * Gives credentials with no planned check (made before verification existed) a time spread evenly over
 * one interval, from a hash of their id, so a daily run does not log in with every key at once.
 */
async function planUnscheduled(now: Date, intervalMs: number): Promise<number> {
  const seconds = Math.max(1, Math.floor(intervalMs / 1000));
  return db().$executeRaw`
    UPDATE seller_credentials
       SET next_verification_at = ${now}::timestamptz + make_interval(secs => (abs(hashtext(id::text)::bigint) % ${seconds}))
     WHERE status = 'ACTIVE' AND next_verification_at IS NULL`;
}

export type ScheduledRunSummary = { claimed: number; outcomes: Record<VerificationOutcome, number> };

/** One tick of the schedule (every minute): verifies the due credentials within the minute's budget. */
export async function runScheduledVerifications(
  opts: {
    now?: Date;
    perMinute?: number;
    concurrency?: number;
    /** Only these credentials (a test's own, when other tests share the database). */
    credentialIds?: string[];
  } = {},
  deps: VerifyDeps = {},
): Promise<ScheduledRunSummary> {
  const settings = config().noonVerification;
  const outcomes: Record<VerificationOutcome, number> = { ok: 0, rejected: 0, unreachable: 0, missing: 0 };
  if (settings.intervalMs <= 0) return { claimed: 0, outcomes };
  // Without Noon there is nothing to log in to: claim nothing rather than record a non-answer.
  if (!resolveDeps(deps.noon === undefined ? {} : { noon: deps.noon }).noon) return { claimed: 0, outcomes };
  const now = opts.now ?? new Date();
  await planUnscheduled(now, settings.intervalMs);
  const { ids, lease } = await claimDue(now, opts.perMinute ?? settings.perMinute, opts.credentialIds);
  const queue = [...ids];
  const workers = Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      try {
        const res = await verifySellerCredential(
          { credentialId: id, trigger: "scheduled", countAgainstBudget: false, claim: lease },
          deps,
        );
        if (res.ok) outcomes[res.data.outcome]++;
      } catch (error) {
        // Its lease runs out and a later tick tries again.
        log().error(
          { credentialId: id, err: error instanceof Error ? error.message : String(error) },
          "scheduled credential verification crashed",
        );
      }
    }
  });
  await Promise.all(workers);
  if (now.getUTCMinutes() === 0) {
    await db()
      .$executeRaw`DELETE FROM noon_verification_windows WHERE window_start < ${new Date(now.getTime() - 24 * 60 * 60 * 1000)}`;
  }
  return { claimed: ids.length, outcomes };
}

/**
 * The first verification, right after a key reached the store (the job queued by completeWithStoredKey).
 * It takes over the lease the storing transaction wrote, in one statement: if the schedule has taken the
 * credential meanwhile (the job ran late), or it was verified already, the job does nothing.
 */
export async function runVerifyAfterStore(data: FirstVerificationJob, deps: VerifyDeps = {}): Promise<void> {
  const now = (deps.now ?? (() => new Date()))();
  const claim = new Date(now.getTime() + CLAIM_LEASE_MS);
  // A job queued before leases existed carries none: it takes a credential never verified yet.
  const taken = data.leaseUntil
    ? await db().$executeRaw`
        UPDATE seller_credentials SET next_verification_at = ${claim}
         WHERE id = ${data.credentialId}::uuid AND status = 'ACTIVE' AND next_verification_at = ${new Date(data.leaseUntil)}`
    : await db().$executeRaw`
        UPDATE seller_credentials SET next_verification_at = ${claim}
         WHERE id = ${data.credentialId}::uuid AND status = 'ACTIVE' AND last_verified_at IS NULL`;
  if (taken === 0) {
    // Not committed yet, already replaced, or verified by the schedule: nothing to add to the story.
    log().info({ credentialId: data.credentialId }, "first credential verification not needed");
    return;
  }
  const res = await verifySellerCredential({ credentialId: data.credentialId, trigger: "after_store", claim }, deps);
  if (!res.ok && res.error.code !== "not_current" && res.error.code !== "not_found")
    log().warn({ credentialId: data.credentialId, reason: res.error.code }, "first credential verification skipped");
}
