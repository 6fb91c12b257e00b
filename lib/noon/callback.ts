import "server-only";
import { clientIpFrom } from "@/lib/http/client-ip";
import { db } from "@/lib/db/client";
import { whileDatabaseRecovers } from "@/lib/db/retry";
import { log } from "@/lib/log";
import { localeOfRequest } from "@/lib/i18n/request-locale";
import { translator } from "@/lib/i18n/messages";
import { addressKey, consumeRateLimit, tallyKey } from "@/lib/rate-limit";
import { sellerKeySecretName, storeSecretDurably } from "@/lib/secrets";
import { sameToken } from "@/lib/secrets/token-hash";
import { markSellerLinksUsed } from "@/lib/sellers";
import { trackInFlight } from "@/lib/server/shutdown";
import { emitAuthorizationEvent } from "@/lib/webhooks/emit";
import { v7 as uuid7 } from "uuid";
import {
  claimCallbackState,
  completeFirstKeyAtOnce,
  completeWithStoredKey,
  exchangedRows,
  hashState,
  recordEvent,
  recordStep,
  type ReceivedCredential,
} from "./authorizations";
import type { NoonCallFailure } from "./client";
import { resolveDeps, type NoonDeps } from "./deps";
import { htmlPage, seeOther, tooManyAttemptsPage } from "./pages";
import { readSellerSession, sellerSessionCookie, type SellerSession } from "./session";

// GET /api/noon/callback, step by step (RFC 9700 §2.1, §4.2.4):
// 1. the state is accepted only when it appears exactly once, equals (constant time) the one sealed in
//    this browser's session, and names an existing, unexpired, still-pending request of the same seller;
// 2. the request is consumed by ONE conditional update before anything is sent to Noon, so a replayed
//    or concurrent callback makes no second call;
// 3. no code → declined; otherwise token/create, token/exchange, and the key into the secret store
//    at once (the no-loss path), each step on the request's timeline.

export type CallbackRejection =
  | "state_missing"
  | "state_repeated"
  | "code_repeated"
  | "no_session"
  | "state_mismatch"
  | "state_unknown"
  | "seller_mismatch"
  | "state_expired"
  | "already_used";

export function resultPath(reference: string): string {
  return `/onboard/result/${reference}`;
}

const shortText = (s: string | null, max = 200) => (s ? (s.length > max ? `${s.slice(0, max)}…` : s) : null);

/**
 * A refused callback: counted on one row per reason, address, seller and hour. Past the per-address limit
 * only that count grows (no timeline event, no log line) and the answer is 429 with Retry-After.
 */
async function reject(
  request: Request,
  reason: CallbackRejection,
  ids: { sellerId?: string | null; authorizationId?: string | null },
): Promise<Response> {
  const ip = clientIpFrom(request.headers);
  const now = new Date();
  const key = tallyKey([reason, addressKey(ip), ids.sellerId ?? null], now);
  await db().noonCallbackRejection.upsert({
    where: { tallyKey: key },
    create: {
      reason,
      sellerId: ids.sellerId ?? null,
      authorizationId: ids.authorizationId ?? null,
      ip,
      at: now,
      lastAt: now,
      tallyKey: key,
    },
    update: { count: { increment: 1 }, lastAt: now },
  });
  const limit = await consumeRateLimit("noon-callback-rejections-per-address", addressKey(ip));
  const { language } = localeOfRequest(request);
  if (!limit.allowed) return tooManyAttemptsPage(limit.retryAfterSeconds, language);
  if (ids.authorizationId)
    await recordEvent(db(), {
      authorizationId: ids.authorizationId,
      type: "rejected",
      stage: "callback",
      message: reason,
    });
  log().warn(
    { reason, sellerId: ids.sellerId ?? null, authorizationId: ids.authorizationId ?? null },
    "noon callback rejected",
  );
  // The page is in the seller's language, its text from the catalogue by rejection code.
  const t = translator(language, "errors");
  return htmlPage(
    400,
    {
      title: t("server.callbackRejected.title"),
      paragraphs: [t(`server.callbackRejected.${reason}`), t("server.callbackRejected.text")],
    },
    {},
    language,
  );
}

type Claimed = { id: string; reference: string; sellerId: string; startedAt: Date; reconnecting: boolean };

/** The seller's session without the finished request (kept: who they are, for the result page). */
async function sessionAfter(session: SellerSession): Promise<string> {
  return sellerSessionCookie({ sellerId: session.sellerId, linkId: session.linkId });
}

type Stage = NoonCallFailure["stage"] | "key_storage" | "callback";
type Progress = { stage: Stage };
const stageLabel: Record<Stage, string> = {
  callback: "the callback",
  login: "the integrator login",
  token_create: "token/create",
  token_exchange: "token/exchange",
  key_storage: "key storage",
};

type Failure = Pick<NoonCallFailure, "httpStatus" | "providerMessage" | "message"> & {
  stage: Stage | "internal";
  oauthRequestId?: string;
};

async function recordFailure(auth: Claimed, failure: Failure, now: Date) {
  await db().$transaction(async (tx) => {
    await tx.noonAuthorization.update({
      where: { id: auth.id },
      data: {
        status: "FAILED",
        completedAt: now,
        failureStage: failure.stage,
        failureHttpStatus: failure.httpStatus,
        failureMessage: failure.message,
        ...(failure.oauthRequestId ? { oauthRequestId: failure.oauthRequestId } : {}),
      },
    });
    await recordEvent(tx, {
      authorizationId: auth.id,
      type: "failed",
      at: now,
      stage: failure.stage,
      httpStatus: failure.httpStatus,
      message: failure.providerMessage ?? failure.message,
      details: {
        summary: failure.message,
        ...(failure.oauthRequestId ? { oauthRequestId: failure.oauthRequestId } : {}),
      },
    });
    await emitAuthorizationEvent(tx, { authorizationId: auth.id, type: "authorization.failed" });
  });
  log().warn(
    { authorizationId: auth.id, reference: auth.reference, stage: failure.stage, httpStatus: failure.httpStatus },
    "noon authorization failed",
  );
}

/** GET /api/noon/callback – checks the state, then create, exchange, store; 303 to the result page. */
export async function handleNoonCallback(request: Request, deps: NoonDeps = {}): Promise<Response> {
  // A graceful stop waits for the callback to finish (lib/server/shutdown.ts).
  return trackInFlight(() => runNoonCallback(request, deps));
}

/** The steps of a successful callback, each the milliseconds since the one before (the handler's start first). */
type Step = "session" | "claim" | "tokenCreate" | "tokenExchange" | "seal" | "store" | "complete";

/** Times a callback's steps, for its "noon authorization finished" line (`npm run bench -- callback` reads it). */
function stepClock() {
  let last = performance.now();
  const ms: Partial<Record<Step, number>> = {};
  return {
    ms,
    lap(step: Step) {
      const now = performance.now();
      ms[step] = Math.round((now - last) * 100) / 100;
      last = now;
    },
  };
}
type StepClock = ReturnType<typeof stepClock>;

async function runNoonCallback(request: Request, deps: NoonDeps): Promise<Response> {
  const clock = stepClock();
  const resolved = resolveDeps(deps);
  const url = new URL(request.url);
  const states = url.searchParams.getAll("state");
  const session = await readSellerSession(request.headers.get("cookie"));
  const sellerId = session?.sellerId ?? null;
  clock.lap("session");

  if (states.length === 0 || states[0] === "") return reject(request, "state_missing", { sellerId });
  if (states.length > 1) return reject(request, "state_repeated", { sellerId });
  if (url.searchParams.getAll("code").length > 1) return reject(request, "code_repeated", { sellerId });
  const state = states[0] ?? "";
  if (!session?.pending) return reject(request, "no_session", { sellerId });
  if (!sameToken(state, session.pending.state)) return reject(request, "state_mismatch", { sellerId });

  // One round trip: find the request, consume its state and record the callback (authorizations.ts).
  const now = resolved.now();
  const code = url.searchParams.get("code");
  const error = url.searchParams.get("error");
  const { row, claimed } = await claimCallbackState({
    stateHash: hashState(state),
    authorizationId: session.pending.authorizationId,
    sellerId: session.sellerId,
    now,
    details: { code: code ? "present" : "absent", ...(error ? { error: shortText(error, 100) } : {}) },
  });
  if (!row) return reject(request, "state_unknown", { sellerId });
  if (row.sellerId !== session.sellerId || row.id !== session.pending.authorizationId) {
    return reject(request, "seller_mismatch", { sellerId, authorizationId: row.id });
  }
  if (row.stateExpiresAt <= now) return reject(request, "state_expired", { sellerId, authorizationId: row.id });
  if (!claimed) return reject(request, "already_used", { sellerId, authorizationId: row.id });
  clock.lap("claim");
  const auth: Claimed = {
    id: row.id,
    reference: row.reference,
    sellerId: row.sellerId,
    startedAt: row.createdAt,
    reconnecting: row.reconnecting,
  };

  // Sealed while the request goes on (its CPU overlaps the waits for Noon); awaited by every answer below.
  const cookie = sessionAfter(session);
  cookie.catch(() => undefined);
  const progress: Progress = { stage: "callback" };
  try {
    return await finishAuthorization(auth, url, cookie, resolved, now, progress, clock);
  } catch (error) {
    // A bug or a database outage after the state was consumed: the request is failed with the stage it was
    // in, never left hanging (through a database restart too: the record is retried for a while).
    log().error(
      { authorizationId: auth.id, stage: progress.stage, err: error instanceof Error ? error.message : String(error) },
      "noon callback crashed",
    );
    try {
      // Its key is sealed: recovery stores it and completes the request (lib/secrets/pending.ts).
      if (await whileDatabaseRecovers(() => db().pendingSecret.count({ where: { authorizationId: auth.id } }))) {
        return seeOther(resultPath(auth.reference), await cookie);
      }
      await whileDatabaseRecovers(() =>
        recordFailure(
          auth,
          {
            stage: progress.stage,
            httpStatus: null,
            providerMessage: null,
            message: `An unexpected error stopped the connection during ${stageLabel[progress.stage]}`,
          },
          resolved.now(),
        ),
      );
    } catch {
      // The database stayed away: the page still answers; the abandoned-callback sweep closes the request later.
    }
    return seeOther(resultPath(auth.reference), await cookie);
  }
}

async function finishAuthorization(
  auth: Claimed,
  url: URL,
  cookie: Promise<string>,
  resolved: ReturnType<typeof resolveDeps>,
  now: Date,
  progress: Progress,
  clock: StepClock,
): Promise<Response> {
  const code = url.searchParams.get("code");
  const error = url.searchParams.get("error");
  if (!code || error) {
    const description = shortText(url.searchParams.get("error_description"));
    await db().$transaction(async (tx) => {
      await tx.noonAuthorization.update({ where: { id: auth.id }, data: { status: "DECLINED", completedAt: now } });
      await recordEvent(tx, {
        authorizationId: auth.id,
        type: "declined",
        at: now,
        stage: "authorize",
        message:
          description ?? (error ? `Noon answered error=${shortText(error, 100)}` : "Noon sent no authorization code"),
        ...(error ? { details: { error: shortText(error, 100) } } : {}),
      });
      await emitAuthorizationEvent(tx, { authorizationId: auth.id, type: "authorization.declined" });
    });
    log().info({ authorizationId: auth.id, reference: auth.reference }, "noon authorization declined");
    return seeOther(resultPath(auth.reference), await cookie);
  }

  const { noon } = resolved;
  if (!noon) {
    await recordFailure(
      auth,
      {
        stage: "token_create",
        httpStatus: null,
        providerMessage: null,
        message: "Noon is not configured on this server",
      },
      now,
    );
    return seeOther(resultPath(auth.reference), await cookie);
  }
  const client = resolved.client();

  progress.stage = "token_create";
  const created = await client.createToken(code);
  clock.lap("tokenCreate");
  if (!created.ok) {
    await recordFailure(auth, created.error, resolved.now());
    return seeOther(resultPath(auth.reference), await cookie);
  }
  const tokenCreated = {
    type: "token_created" as const,
    stage: "token_create",
    httpStatus: 200,
    details: {
      projectCode: created.data.projectCode,
      ...(created.data.expiresIn ? { expiresIn: created.data.expiresIn } : {}),
    },
  };
  const writeTokenCreated = () =>
    recordStep({
      authorizationId: auth.id,
      data: { projectCode: created.data.projectCode },
      type: tokenCreated.type,
      event: tokenCreated,
    });

  // At once: the access token is single-use and short-lived; it is never stored. The token_created step is
  // written while token/exchange is in flight, and awaited before anything else is written (timeline order).
  progress.stage = "token_exchange";
  const step = writeTokenCreated().then(
    () => ({ written: true }),
    (error: unknown) => {
      log().warn(
        { authorizationId: auth.id, err: error instanceof Error ? error.name : "error" },
        "recording token_created failed; it is written with the next step",
      );
      return { written: false };
    },
  );
  const exchanged = await client.exchangeToken(created.data.accessToken);
  const { written } = await step;
  clock.lap("tokenExchange");
  if (!exchanged.ok) {
    // A step the database did not take is written again first (if it fails again, the crash path records it).
    if (!written) await writeTokenCreated();
    await recordFailure(auth, exchanged.error, resolved.now());
    return seeOther(resultPath(auth.reference), await cookie);
  }
  // From here the key exists only in this process's memory until the seal below commits: no other I/O first.
  const key = exchanged.data;
  progress.stage = "key_storage";
  const received: ReceivedCredential = {
    projectCode: key.projectCode,
    keyId: key.keyId,
    channelIdentifier: key.channelIdentifier,
    issuedAt: key.issuedAt,
  };
  const credential = { sellerId: auth.sellerId, ...received };
  // Chosen here, so the completion can name the credential the seal records without reading it back.
  const credentialId = uuid7();
  const secretName = sellerKeySecretName(key.projectCode, key.keyId);
  let keySealedMs: number | undefined;
  const outcome = await storeSecretDurably(
    {
      input: {
        name: secretName,
        value: key.privateKey,
        kind: "seller-key",
        tags: { seller: auth.sellerId, authorization: auth.id, project: key.projectCode },
        idempotencyKey: `noon-authorization-${auth.id}`,
        description: `Noon service-account key ${key.keyId} of project ${key.projectCode} (request ${auth.reference})`,
      },
      authorizationId: auth.id,
      // What a process that takes over needs to complete the request without this one.
      context: {
        credential: { ...credential, issuedAt: credential.issuedAt?.toISOString() ?? null },
        oauthRequestId: key.oauthRequestId,
      },
      observeSealed: (ms) => {
        clock.lap("seal");
        keySealedMs = Math.round(ms * 100) / 100;
        resolved.observe?.keySealed?.(ms);
      },
      // With the seal, in its statement: the credential (awaiting storage) and the exchange on the timeline
      // (after token_created when its own write failed).
      sealedRows: (pendingId) =>
        exchangedRows({
          authorizationId: auth.id,
          sellerId: auth.sellerId,
          credentialId,
          credential: received,
          secretName,
          oauthRequestId: key.oauthRequestId,
          steps: [
            ...(written ? [] : [tokenCreated]),
            {
              type: "exchanged",
              stage: "token_exchange",
              httpStatus: 200,
              details: {
                oauthRequestId: key.oauthRequestId,
                keyId: key.keyId,
                projectCode: key.projectCode,
                channelIdentifier: key.channelIdentifier,
                sealedAs: pendingId,
              },
            },
          ],
        }),
      // Stored: the completion in one batch; when it cannot (a credential to supersede), onStored. A seller
      // who had a credential when the callback came goes to onStored at once.
      completeStored: async (pendingId, ref) => {
        clock.lap("store");
        return (
          !auth.reconnecting &&
          (await completeFirstKeyAtOnce({
            pendingId,
            authorizationId: auth.id,
            reference: auth.reference,
            sellerId: auth.sellerId,
            startedAt: auth.startedAt,
            credentialId,
            credential: received,
            oauthRequestId: key.oauthRequestId,
            ref,
            now: resolved.now(),
          }))
        );
      },
      onStored: async (tx, ref) => {
        // The credential is given too for the path where the database took no seal (see storeSecretDurably).
        await completeWithStoredKey(tx, { authorizationId: auth.id, ref, credential, now: resolved.now() });
      },
      onPending: async (tx, pendingId, storeError) => {
        await tx.noonAuthorization.update({ where: { id: auth.id }, data: { status: "PENDING_KEY_STORAGE" } });
        // The seller has connected: the key is sealed and will be stored, so the link has done its job.
        await markSellerLinksUsed(tx, { sellerId: auth.sellerId, startedAt: auth.startedAt, now: resolved.now() });
        await recordEvent(tx, {
          authorizationId: auth.id,
          type: "key_pending_storage",
          stage: "key_storage",
          message: `The secret store did not take the key (${storeError.kind}: ${storeError.message}); it is sealed and the retry job will store it`,
          details: { pendingSecretId: pendingId, secretName },
        });
        await emitAuthorizationEvent(tx, { authorizationId: auth.id, type: "authorization.key_storage_delayed" });
      },
    },
    resolved.store ? { store: resolved.store } : {},
  );
  clock.lap("complete");
  if (outcome.outcome === "lost") {
    await recordFailure(
      auth,
      {
        stage: "key_storage",
        httpStatus: null,
        providerMessage: null,
        message: "The key could not be stored or kept for a retry",
        oauthRequestId: key.oauthRequestId,
      },
      resolved.now(),
    );
  } else {
    // keySealedMs: how long the key existed only in this process's memory (Noon's answer → the seal's commit);
    // stepsMs: how long each step took (the callback's critical path, lib/noon/README.md).
    log().info(
      {
        authorizationId: auth.id,
        reference: auth.reference,
        outcome: outcome.outcome,
        oauthRequestId: key.oauthRequestId,
        keySealedMs,
        stepsMs: clock.ms,
      },
      "noon authorization finished",
    );
  }
  return seeOther(resultPath(auth.reference), await cookie);
}
