// Every module that defines jobs or schedules (defineJob / defineSchedule), or registers a completion hook
// for pending secrets (onPendingSecretStored), is imported here so every worker process knows them.
// Add one line per module.
import "@/lib/secrets/pending";
import "@/lib/noon/jobs";
import "@/lib/connections/recovery";
import "@/lib/webhooks/jobs";
