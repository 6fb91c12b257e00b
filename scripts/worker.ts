// `npm run worker` – a separate job worker process (run the app with JOBS_IN_PROCESS=0 and one or more of
// these). Runs every job and schedule of lib/jobs/registry.ts; SIGTERM/SIGINT stop it gracefully.
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

async function main() {
  const { config } = await import("@/lib/config/env");
  const { log } = await import("@/lib/log");
  const { startJobWorkers, stopJobWorkers, definedJobs } = await import("@/lib/jobs");
  const { requeuePendingSecrets } = await import("@/lib/secrets/pending");
  if (!config().databaseUrl) throw new Error("DATABASE_URL is not set: the job queue lives in the app's database");

  await startJobWorkers();
  await requeuePendingSecrets();
  const { jobs, schedules } = definedJobs();
  console.log(`Worker running: ${jobs.length} jobs (${jobs.join(", ")}), ${schedules.length} schedules (${schedules.join(", ")}).`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log().info({ signal }, "worker stopping");
    console.log(`${signal}: letting running jobs finish …`);
    await stopJobWorkers({ timeoutMs: 25_000 });
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
