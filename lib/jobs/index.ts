import "server-only";
// Background jobs on PostgreSQL (pg-boss 10, its own schema "pgboss" in the app's database).
// Jobs, schedules and worker services are defined through the register functions that the one start-up
// list (lib/server/start.ts, registerBackgroundWork) calls in every process before workers start.
import PgBoss from "pg-boss";
import { config } from "@/lib/config/env";
import { statementNamer } from "@/lib/db/statement-names";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/server/process-singleton";
import { StatementNamingDb } from "./statement-db";

export type JobOptions = {
  /** pg-boss queue policy; "short" keeps at most one queued job per singletonKey. Default "standard". */
  policy?: "standard" | "short" | "singleton" | "stately";
  /** pg-boss's own retries when the handler throws (default 3, delay 5 s with backoff). */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** A job running longer is considered failed (default 15 min). */
  expireInSeconds?: number;
  /** Jobs fetched (and run concurrently) per poll, per worker loop (default 1). */
  batchSize?: number;
  /** Worker loops per process, each polling on its own (default 1): a slow job holds up only its loop. */
  concurrency?: number;
  /** Poll again at once after a fetch that found work, instead of waiting the polling interval. */
  drain?: boolean;
  /** How often an idle worker looks for jobs (default 2 s, at least 0.5 s). */
  pollingIntervalSeconds?: number;
};

export type SendOptions = {
  /** Seconds from now, or a date. */
  startAfter?: number | Date;
  /** With policy "short": at most one queued job per key. */
  singletonKey?: string;
};

export type JobDefinition<T extends object> = {
  readonly name: string;
  readonly handler: (data: T) => Promise<void>;
  send(data: T, opts?: SendOptions): Promise<string | null>;
  /** Many jobs in one statement (with policy "short", a key already queued is skipped). */
  sendMany(items: { data: T; opts?: SendOptions }[]): Promise<void>;
  /** Makes this process's idle workers of the job look for work now instead of at their next poll. */
  wake(): void;
};

type AnyDefinition = { name: string; options: JobOptions; run: (data: unknown) => Promise<void> };
type ScheduleDefinition = { name: string; cron: string; run: () => Promise<void> };

type WorkerService = { name: string; start: () => Promise<() => Promise<void>> };

const jobs = new Map<string, AnyDefinition>();
const schedules = new Map<string, ScheduleDefinition>();
const services = new Map<string, WorkerService>();
const runningServices: { name: string; stop: () => Promise<void> }[] = [];
// The pg-boss worker ids of each job in this process (for wake()).
const workerIds = new Map<string, string[]>();

const SCHEMA = "pgboss";

type BossState = {
  boss: PgBoss;
  /** The pool pg-boss runs on when it names its statements (closed here after the boss stops). */
  db: StatementNamingDb | undefined;
  started: Promise<PgBoss>;
  queues: Map<string, Promise<void>>;
};

// Kept on globalThis: Next's dev server reloads modules, and one process needs one pool of each kind.
const state = processSingleton<{ sender?: BossState; worker?: BossState }>("jobs", () => ({}));

function newBoss(forWorkers: boolean): BossState {
  const { databaseUrl } = config();
  if (!databaseUrl) throw new Error("DATABASE_URL is not set: the job queue lives in the app's database");
  const pool = {
    connectionString: databaseUrl,
    application_name: forWorkers ? "seller-onboarding-worker" : "seller-onboarding-jobs",
    max: forWorkers ? 4 : 2,
  };
  const { preparedStatements } = config();
  // pg-boss's statements prepared once per connection too, unless DATABASE_PREPARED_STATEMENTS=0 (its own names).
  const db = preparedStatements > 0 ? new StatementNamingDb(pool, statementNamer(preparedStatements)) : undefined;
  const boss = new PgBoss({
    ...pool,
    ...(db ? { db } : {}),
    schema: SCHEMA,
    // Only worker instances maintain the queue and fire schedules.
    supervise: forWorkers,
    schedule: forWorkers,
  });
  const onError = (error: Error) => log().error({ err: error.message }, "job queue error");
  boss.on("error", onError);
  db?.on("error", onError);
  db?.open();
  return { boss, db, started: boss.start(), queues: new Map() };
}

async function ensureQueue(s: BossState, name: string, options: JobOptions): Promise<PgBoss> {
  const boss = await s.started;
  let created = s.queues.get(name);
  if (!created) {
    created = boss.createQueue(name, {
      name,
      policy: options.policy ?? "standard",
      retryLimit: options.retryLimit ?? 3,
      retryDelay: options.retryDelaySeconds ?? 5,
      retryBackoff: true,
      expireInSeconds: options.expireInSeconds ?? 15 * 60,
    });
    s.queues.set(name, created);
    created.catch(() => s.queues.delete(name));
  }
  await created;
  return boss;
}

/** The instance that sends: the worker instance when this process runs workers, else a light one. */
function sender(): BossState {
  if (state.worker) return state.worker;
  state.sender ??= newBoss(false);
  return state.sender;
}

/** Defines a job: `handler` runs in a worker for each job sent with `send`. Call at module top level. */
export function defineJob<T extends object>(
  name: string,
  handler: (data: T) => Promise<void>,
  options: JobOptions = {},
): JobDefinition<T> {
  jobs.set(name, { name, options, run: (data) => handler(data as T) });
  return {
    name,
    handler,
    async send(data, opts = {}) {
      const boss = await ensureQueue(sender(), name, options);
      const startAfter =
        opts.startAfter instanceof Date ? opts.startAfter : opts.startAfter ? Math.ceil(opts.startAfter) : undefined;
      return boss.send(name, data, {
        ...(startAfter !== undefined ? { startAfter } : {}),
        ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      });
    },
    wake() {
      const boss = state.worker?.boss;
      for (const id of workerIds.get(name) ?? []) boss?.notifyWorker(id);
    },
    async sendMany(items) {
      if (items.length === 0) return;
      const boss = await ensureQueue(sender(), name, options);
      await boss.insert(
        items.map(({ data, opts = {} }) => ({
          name,
          data,
          ...(opts.startAfter instanceof Date
            ? { startAfter: opts.startAfter.toISOString() }
            : opts.startAfter
              ? { startAfter: `${Math.ceil(opts.startAfter)} seconds` }
              : {}),
          ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        })) as PgBoss.JobInsert[],
      );
    },
  };
}

/**
 * Defines something that runs beside the job workers in every worker process (e.g. a LISTEN loop):
 * `start` is called when the workers start and returns the function that stops it.
 */
export function defineWorkerService(name: string, start: () => Promise<() => Promise<void>>) {
  services.set(name, { name, start });
}

/** Defines a recurring job (cron in UTC, e.g. "* * * * *"); it fires in one worker per tick. */
export function defineSchedule(name: string, cron: string, handler: () => Promise<void>) {
  schedules.set(name, { name, cron, run: handler });
}

let starting: Promise<void> | undefined;

/** Starts workers for every defined job and schedule (register them first: registerBackgroundWork). Idempotent. */
export function startJobWorkers(): Promise<void> {
  starting ??= (async () => {
    if (jobs.size === 0)
      log().warn(
        "no jobs are defined: registerBackgroundWork() (lib/server/start.ts) must run before the workers start",
      );
    const s = (state.worker ??= newBoss(true));
    for (const job of jobs.values()) {
      const boss = await ensureQueue(s, job.name, job.options);
      const workOptions = {
        pollingIntervalSeconds: job.options.pollingIntervalSeconds ?? 2,
        batchSize: job.options.batchSize ?? 1,
      };
      for (let loop = 0; loop < (job.options.concurrency ?? 1); loop++) {
        let workerId = "";
        workerId = await boss.work<object>(job.name, workOptions, async (items) => {
          if (job.options.drain && items.length > 0) boss.notifyWorker(workerId);
          const results = await Promise.allSettled(
            items.map(async (item) => {
              try {
                await job.run(item.data);
              } catch (error) {
                log().error(
                  { job: job.name, jobId: item.id, err: error instanceof Error ? error.message : String(error) },
                  "job failed",
                );
                throw error;
              }
            }),
          );
          const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
          if (failed) throw failed.reason;
        });
        workerIds.set(job.name, [...(workerIds.get(job.name) ?? []), workerId]);
      }
    }
    for (const schedule of schedules.values()) {
      const boss = await ensureQueue(s, schedule.name, { policy: "short", retryLimit: 0 });
      await boss.schedule(schedule.name, schedule.cron, {}, { tz: "UTC", singletonKey: schedule.name });
      await boss.work(schedule.name, { pollingIntervalSeconds: 5 }, async () => {
        try {
          await schedule.run();
        } catch (error) {
          log().error(
            { schedule: schedule.name, err: error instanceof Error ? error.message : String(error) },
            "scheduled job failed",
          );
          throw error;
        }
      });
    }
    for (const service of services.values()) {
      try {
        runningServices.push({ name: service.name, stop: await service.start() });
      } catch (error) {
        // One service that cannot start (e.g. its tables not migrated yet) must not stop the job workers.
        log().error(
          { service: service.name, err: error instanceof Error ? error.message : String(error) },
          "worker service did not start",
        );
      }
    }
    log().info(
      { jobs: [...jobs.keys()], schedules: [...schedules.keys()], services: [...services.keys()] },
      "job workers started",
    );
  })();
  starting.catch(() => {
    starting = undefined;
  });
  return starting;
}

/** Stops workers (letting running jobs finish, up to `timeoutMs`) and closes the queue's connections. */
export async function stopJobWorkers(opts: { timeoutMs?: number } = {}): Promise<void> {
  const instances = [state.worker, state.sender].filter((s): s is BossState => s !== undefined);
  state.worker = undefined;
  state.sender = undefined;
  starting = undefined;
  workerIds.clear();
  for (const service of runningServices.splice(0)) {
    await service
      .stop()
      .catch((error: unknown) =>
        log().warn(
          { service: service.name, err: error instanceof Error ? error.message : String(error) },
          "worker service did not stop cleanly",
        ),
      );
  }
  await Promise.all(
    instances.map(async (s) => {
      try {
        await s.started;
      } catch {
        await s.db?.close();
        return;
      }
      await s.boss.stop({ graceful: true, wait: true, close: true, timeout: opts.timeoutMs ?? 20_000 });
      await s.db?.close();
    }),
  );
}

/** The names of every defined job and schedule (for the worker's start line and tests). */
export function definedJobs(): { jobs: string[]; schedules: string[] } {
  return { jobs: [...jobs.keys()], schedules: [...schedules.keys()] };
}
