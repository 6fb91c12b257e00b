import "server-only";
// Server start: job workers in the app process (JOBS_IN_PROCESS, the default; `npm run worker` otherwise),
// and every pending secret queued again so a crash never strands one.
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { requeuePendingSecrets } from "@/lib/secrets/pending";
import { onServerStart } from "@/lib/server/start";
import { startJobWorkers } from "./index";

onServerStart("jobs", async () => {
  if (config().runJobsInProcess) await startJobWorkers();
  else log().info("job workers not started in this process (JOBS_IN_PROCESS=0): run `npm run worker`");
  await requeuePendingSecrets();
});
