import "server-only";
// The one start-up list. Every process first registers the background work (jobs, schedules, sweeps,
// worker services, completion hooks of pending secrets) by calling each module's register function
// below; a server process then runs its start-up tasks in order. Nothing registers itself on import.
import { bootstrapFirstAdmin } from "@/lib/auth/bootstrap";
import { config } from "@/lib/config/env";
import { ConfigError } from "@/lib/config/load";
import { registerConnectionSecretRecovery } from "@/lib/connections/recovery";
import { startTokenRequestPruning } from "@/lib/connections/start";
import { startBackgroundJobs } from "@/lib/jobs/start";
import { log } from "@/lib/log";
import { registerNoonBackgroundWork } from "@/lib/noon/jobs";
import { registerPendingSecretRecovery } from "@/lib/secrets/pending";
import { registerWebhookBackgroundWork } from "@/lib/webhooks/jobs";
import { installGracefulShutdown } from "./shutdown";
import { installStopHandling } from "./stop";

let registered = false;

/**
 * Defines every job, schedule, sweep, worker service and completion hook in this process, once. The app
 * (startServer), `npm run worker` and tests that run jobs call it before starting workers or sweeps.
 */
export function registerBackgroundWork(): void {
  if (registered) return;
  registered = true;
  registerPendingSecretRecovery();
  registerNoonBackgroundWork();
  registerConnectionSecretRecovery();
  registerWebhookBackgroundWork();
}

/** What a server process starts, in this order; a failing task is logged and the next one still runs. */
const START_TASKS: { name: string; run: () => Promise<void> }[] = [
  { name: "first admin", run: bootstrapFirstAdmin },
  { name: "jobs", run: startBackgroundJobs },
  { name: "connections: prune token requests", run: startTokenRequestPruning },
];

/** Called once by instrumentation.ts in every app process (`next start`, `next dev`). */
export async function startServer() {
  try {
    config();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear line naming the variable, then stop: nothing falls back to a dev default in production.
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // Not under `next dev`: Ctrl-C there should stop at once.
  if (config().nodeEnv !== "development") installGracefulShutdown();
  // Buffered work (API-key usage counts) is written before any exit, Next's included (lib/server/stop.ts).
  installStopHandling();
  registerBackgroundWork();
  for (const task of START_TASKS) {
    try {
      await task.run();
    } catch (error) {
      log().error(
        { task: task.name, err: error instanceof Error ? error.message : String(error) },
        "start-up task failed",
      );
    }
  }
  log().info({ env: config().nodeEnv, appUrl: config().appUrl }, "server started");
}
