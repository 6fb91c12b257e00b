import "server-only";
import { z } from "zod";
import { defineSchedule } from "@/lib/jobs";
import { defineSweep } from "@/lib/jobs/sweeper";
import { log } from "@/lib/log";
import { onPendingSecretStored } from "@/lib/secrets";
import { closeAbandonedCallbacks, completeWithStoredKey, expireStaleAuthorizations } from "./authorizations";
import { runScheduledVerifications } from "./verify";

// Background work of the Noon flow, registered by lib/server/start.ts. (The first-verification job is
// defined in ./verify-queue.ts, which ./authorizations.ts loads.)

const sealedContext = z.object({
  credential: z.object({
    sellerId: z.string(),
    projectCode: z.string(),
    keyId: z.string(),
    channelIdentifier: z.string().nullable(),
    issuedAt: z.iso.datetime().nullable(),
  }),
  oauthRequestId: z.string().optional(),
});

/** The Noon flow's schedules, sweep and sealed-key completion hook. */
export function registerNoonBackgroundWork(): void {
  // Requests with no callback after 30 minutes become EXPIRED; every 5 minutes is precise enough.
  defineSchedule("noon-expire-authorizations", "*/5 * * * *", async () => {
    const expired = await expireStaleAuthorizations();
    if (expired > 0) log().info({ expired }, "noon authorizations expired");
  });

  // A callback whose process died before the key was sealed never finishes: close it with its stage.
  defineSweep("noon: close abandoned callbacks", async () => {
    const closed = await closeAbandonedCallbacks();
    if (closed > 0) log().warn({ closed }, "noon callbacks abandoned by a stopped server were closed as failed");
  });

  // A seller key that waited in the sealed queue (a store outage, or its process died) reached the secret
  // store: finish its authorization.
  onPendingSecretStored("seller-key", async (tx, info) => {
    if (!info.authorizationId) return;
    // The credential row is made right after the seal; if its process died in between, the seal's context has it.
    const context = sealedContext.safeParse(info.context);
    const credential = context.success
      ? {
          ...context.data.credential,
          issuedAt: context.data.credential.issuedAt ? new Date(context.data.credential.issuedAt) : null,
        }
      : undefined;
    if (context.success && context.data.oauthRequestId) {
      await tx.noonAuthorization.updateMany({
        where: { id: info.authorizationId, oauthRequestId: null },
        data: { oauthRequestId: context.data.oauthRequestId, projectCode: context.data.credential.projectCode },
      });
    }
    await completeWithStoredKey(tx, {
      authorizationId: info.authorizationId,
      ref: info.ref,
      attempts: info.attempts,
      ...(credential ? { credential } : {}),
      ...(info.recovered ? { note: "picked up after the server handling the callback stopped" } : {}),
    });
  });

  // Every minute: verify the seller keys that are due, within NOON_VERIFY_PER_MINUTE logins (all processes).
  defineSchedule("noon-verify-credentials", "* * * * *", async () => {
    const run = await runScheduledVerifications();
    if (run.claimed > 0) log().info({ ...run.outcomes, claimed: run.claimed }, "noon credentials verified on schedule");
  });
}
