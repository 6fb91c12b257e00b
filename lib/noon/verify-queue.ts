import "server-only";
import { defineJob } from "@/lib/jobs";
import { log } from "@/lib/log";
import type { Tx } from "./authorizations";

// The first verification of a stored key, as a job: the seller's callback never waits for it.
// The handler loads verify.ts lazily (verify.ts imports authorizations.ts, which queues this job).

const verifyAfterStoreJob = defineJob<{ credentialId: string }>(
  "noon-verify-after-store",
  async (data) => {
    const { runVerifyAfterStore } = await import("./verify");
    await runVerifyAfterStore(data);
  },
  { retryLimit: 0, expireInSeconds: 5 * 60 },
);

/**
 * The one place a newly stored key asks for its first verification (called by completeWithStoredKey
 * inside the transaction that makes the key current). The credential is marked due in that transaction,
 * so if the job is lost the schedule still verifies it within a minute; the job only makes it sooner.
 */
export async function requestFirstVerification(
  tx: Tx,
  { credentialId, now }: { credentialId: string; now: Date },
): Promise<void> {
  await tx.sellerCredential.update({ where: { id: credentialId }, data: { nextVerificationAt: now } });
  // A few seconds later: the job must not run before this transaction commits.
  verifyAfterStoreJob.send({ credentialId }, { startAfter: 3, singletonKey: credentialId }).catch((error: unknown) => {
    log().warn(
      { credentialId, err: error instanceof Error ? error.message : String(error) },
      "first credential verification not queued; the schedule will do it",
    );
  });
}
