import "server-only";
import { defineSchedule } from "@/lib/jobs";
import { log } from "@/lib/log";
import { onPendingSecretStored } from "@/lib/secrets";
import { completeWithStoredKey, expireStaleAuthorizations } from "./authorizations";
import { runScheduledVerifications } from "./verify";
import "./verify-queue";

// Background work of the Noon flow (imported by lib/jobs/registry.ts).

// Requests with no callback after 30 minutes become EXPIRED; every 5 minutes is precise enough.
defineSchedule("noon-expire-authorizations", "*/5 * * * *", async () => {
  const expired = await expireStaleAuthorizations();
  if (expired > 0) log().info({ expired }, "noon authorizations expired");
});

// A seller key that waited in the sealed queue reached the secret store: finish its authorization.
onPendingSecretStored("seller-key", async (tx, info) => {
  if (!info.authorizationId) return;
  await completeWithStoredKey(tx, { authorizationId: info.authorizationId, ref: info.ref, attempts: info.attempts });
});

// Every minute: verify the seller keys that are due, within NOON_VERIFY_PER_MINUTE logins (all processes).
defineSchedule("noon-verify-credentials", "* * * * *", async () => {
  const run = await runScheduledVerifications();
  if (run.claimed > 0) log().info({ ...run.outcomes, claimed: run.claimed }, "noon credentials verified on schedule");
});
