import "server-only";
// Background work of webhooks (registered by lib/server/start.ts): the delivery job (lib/webhooks/deliver.ts),
// the NOTIFY listener in every worker process, the minute sweep, and the retention of old events.
import { db } from "@/lib/db/client";
import { defineSchedule, defineWorkerService } from "@/lib/jobs";
import { log } from "@/lib/log";
import { dispatchAndWake, dispatchDueDeliveries } from "./deliver";
import { listenForDeliveries } from "./listener";

/** Events (with their deliveries) older than this, and no longer pending, are deleted. */
export const EVENT_RETENTION_DAYS = 30;

/** The NOTIFY listener of every worker process, the minute sweep and the retention schedule. */
export function registerWebhookBackgroundWork(): void {
  defineWorkerService("webhooks-listener", async () => {
    // At start: every pending delivery gets its job again (a stopped or crashed worker strands none).
    await dispatchAndWake();
    return listenForDeliveries(() => dispatchAndWake({ horizonMs: 1_000 }));
  });

  defineSchedule("webhooks-sweep", "* * * * *", async () => {
    await dispatchDueDeliveries({ horizonMs: 70_000 });
  });

  defineSchedule("webhooks-retention", "17 3 * * *", async () => {
    const deleted = await db().$executeRaw`
      DELETE FROM webhook_events e
       WHERE e.created_at < now() - ${EVENT_RETENTION_DAYS} * interval '1 day'
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'PENDING')`;
    if (deleted > 0) log().info({ deleted }, "old webhook events deleted");
  });
}
