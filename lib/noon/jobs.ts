import "server-only";
import { defineSchedule } from "@/lib/jobs";
import { defineSweep } from "@/lib/jobs/sweeper";
import { log } from "@/lib/log";
import { onPendingSecretStored } from "@/lib/secrets";
import { closeAbandonedCallbacks, completeWithStoredKey, expireStaleAuthorizations } from "./authorizations";

// Background work of the Noon flow (imported by lib/jobs/registry.ts).

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
  await completeWithStoredKey(tx, {
    authorizationId: info.authorizationId,
    ref: info.ref,
    attempts: info.attempts,
    ...(info.recovered ? { note: "picked up after the server handling the callback stopped" } : {}),
  });
});
