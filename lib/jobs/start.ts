import "server-only";
// Server start: job workers in the app process (JOBS_IN_PROCESS, the default; `npm run worker` otherwise),
// and the recovery sweeps in every process, so a crash never strands a sealed secret or a callback.
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { onShutdown } from "@/lib/server/shutdown";
import { startJobWorkers, stopJobWorkers } from "./index";
import { startSweeper, stopSweeper } from "./sweeper";

/** Start-up task (lib/server/start.ts); the background work must be registered first. */
export async function startBackgroundJobs(): Promise<void> {
  // A graceful stop lets running jobs and a running sweep finish (within SHUTDOWN_TIMEOUT_MS).
  onShutdown("jobs", async (budgetMs) => {
    await Promise.all([stopSweeper(), stopJobWorkers({ timeoutMs: budgetMs })]);
  });
  if (config().runJobsInProcess) await startJobWorkers();
  else log().info("job workers not started in this process (JOBS_IN_PROCESS=0): run `npm run worker`");
  startSweeper();
}
