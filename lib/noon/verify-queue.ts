import "server-only";
import { defineJob } from "@/lib/jobs";
import { log } from "@/lib/log";
import type { Tx } from "@/lib/db/client";

// The first verification of a stored key, as a job: the seller's callback never waits for it.
// The handler loads verify.ts lazily (verify.ts imports authorizations.ts, which queues this job).

/** How long the queued first verification holds the credential; past it the schedule does it instead. */
export const FIRST_VERIFICATION_LEASE_MS = 2 * 60 * 1000;

export type FirstVerificationJob = {
  credentialId: string;
  /** The credential's next_verification_at the storing transaction wrote: the job's lease. */
  leaseUntil?: string;
};

const verifyAfterStoreJob = defineJob<FirstVerificationJob>(
  "noon-verify-after-store",
  async (data) => {
    const { runVerifyAfterStore } = await import("./verify");
    await runVerifyAfterStore(data);
  },
  { retryLimit: 0, expireInSeconds: 5 * 60 },
);

/**
 * The one place a newly stored key asks for its first verification (called by completeWithStoredKey
 * inside the transaction that makes the key current). The credential is leased to the job in that
 * transaction, so the schedule's tick does not verify it at the same time; if the job is lost, the
 * schedule verifies it once the lease (2 minutes) has run out.
 */
export async function requestFirstVerification(
  tx: Tx,
  { credentialId, now }: { credentialId: string; now: Date },
): Promise<void> {
  const leaseUntil = new Date(now.getTime() + FIRST_VERIFICATION_LEASE_MS);
  await tx.sellerCredential.update({ where: { id: credentialId }, data: { nextVerificationAt: leaseUntil } });
  queueFirstVerification({ credentialId, leaseUntil });
}

/**
 * Queues the first verification of a credential whose lease (`next_verification_at` = `leaseUntil`) the
 * caller's transaction wrote; not awaited. Called by requestFirstVerification, or after the commit by a caller
 * that wrote the lease in its own statement (completeFirstKeyAtOnce).
 */
export function queueFirstVerification({ credentialId, leaseUntil }: { credentialId: string; leaseUntil: Date }): void {
  // A few seconds later: the job must not run before the lease's transaction commits.
  verifyAfterStoreJob
    .send({ credentialId, leaseUntil: leaseUntil.toISOString() }, { startAfter: 3, singletonKey: credentialId })
    .catch((error: unknown) => {
      log().warn(
        { credentialId, err: error instanceof Error ? error.message : String(error) },
        "first credential verification not queued; the schedule will do it",
      );
    });
}
