// `npm run worker` – a separate job worker process (run the app with JOBS_IN_PROCESS=0 and one or more of
// these). Runs every job, schedule and recovery sweep of lib/server/start.ts's start-up list; SIGTERM/SIGINT stop
// it gracefully: no new jobs, running ones get SHUTDOWN_TIMEOUT_MS to finish.
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

async function main() {
  const { config } = await import("@/lib/config/env");
  const { log } = await import("@/lib/log");
  const { startJobWorkers, stopJobWorkers, definedJobs } = await import("@/lib/jobs");
  const { startSweeper, stopSweeper, definedSweeps } = await import("@/lib/jobs/sweeper");
  const { registerBackgroundWork } = await import("@/lib/server/start");
  if (!config().databaseUrl) throw new Error("DATABASE_URL is not set: the job queue lives in the app's database");

  registerBackgroundWork();

  await startJobWorkers();
  startSweeper();
  const { jobs, schedules } = definedJobs();
  const sweeps = definedSweeps();
  console.log(
    `Worker running: ${jobs.length} jobs (${jobs.join(", ")}), ${schedules.length} schedules (${schedules.join(", ")}), ` +
      `${sweeps.length} recovery sweeps (${sweeps.join(", ")}).`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const { timeoutMs } = config().shutdown;
    log().info({ signal, timeoutMs }, "worker stopping");
    console.log(`${signal}: letting running jobs finish (at most ${timeoutMs} ms) …`);
    setTimeout(() => {
      console.error(`Jobs still running after ${timeoutMs} ms: exiting; pg-boss retries them elsewhere.`);
      process.exit(1);
    }, timeoutMs).unref();
    await Promise.all([stopSweeper(), stopJobWorkers({ timeoutMs: Math.max(0, timeoutMs - 500) })]);
    console.log("Worker stopped.");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`worker failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
