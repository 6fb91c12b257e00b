import "server-only";
// Wakes the dispatcher when an emitting transaction commits (NOTIFY webhook_deliveries): one LISTEN
// connection per worker process, reconnected after an error. Missed notifications cost nothing but
// time: the minute sweep and every worker start dispatch whatever is due.
import pg from "pg";
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { NOTIFY_CHANNEL } from "./emit";

/** Runs `dispatch` once per burst of notifications (never two at a time). Returns the stop function. */
export async function listenForDeliveries(dispatch: () => Promise<unknown>): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let running = false;
  let again = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      do {
        again = false;
        try {
          await dispatch();
        } catch (error) {
          log().warn(
            { err: error instanceof Error ? error.message : String(error) },
            "webhook dispatch failed; the sweep will retry",
          );
        }
      } while (again && !stopped);
      running = false;
    })();
  };

  const connect = async (delayMs: number): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: config().databaseUrl, application_name: "seller-onboarding-webhooks" });
    c.on("notification", kick);
    c.on("error", (error) => {
      log().warn({ err: error.message }, "webhook listener connection lost; reconnecting");
      if (client === c) client = undefined;
      c.end().catch(() => undefined);
      retryTimer = setTimeout(() => void connect(Math.min(delayMs * 2, 30_000)), delayMs);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
      client = c;
      kick(); // whatever was emitted while not listening
    } catch (error) {
      log().warn(
        { err: error instanceof Error ? error.message : String(error) },
        "webhook listener could not connect; retrying",
      );
      c.end().catch(() => undefined);
      retryTimer = setTimeout(() => void connect(Math.min(delayMs * 2, 30_000)), delayMs);
    }
  };

  await connect(1_000);
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    await client?.end().catch(() => undefined);
    client = undefined;
  };
}
