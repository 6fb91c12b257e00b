import "server-only";
// Recovery sweeps: short tasks that every process (each app instance and each worker) runs every
// RECOVERY_SWEEP_MS, so work stranded by a dead process is finished while any process of the app runs,
// whether or not a job worker does. Each sweep claims rows atomically (leases, SKIP LOCKED), so any
// number of processes can sweep together.
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/server/process-singleton";

type Sweep = { name: string; run: () => Promise<void> };
const sweeps = new Map<string, Sweep>();

/** Registers a sweep (from a register function called by lib/server/start.ts's start-up list). */
export function defineSweep(name: string, run: () => Promise<void>) {
  sweeps.set(name, { name, run });
}

const sweeper = processSingleton<{ current?: { timer: NodeJS.Timeout; running: Promise<void> | null } }>(
  "sweeper",
  () => ({}),
);

/** Runs every sweep once, one after the other; a failing sweep is logged and does not stop the others. */
export async function runSweepsOnce(): Promise<void> {
  for (const sweep of sweeps.values()) {
    try {
      await sweep.run();
    } catch (error) {
      log().warn(
        { sweep: sweep.name, err: error instanceof Error ? error.message : String(error) },
        "recovery sweep failed; next round retries",
      );
    }
  }
}

/** Starts the sweeps in this process: once now, then every RECOVERY_SWEEP_MS. Idempotent. */
export function startSweeper(): void {
  if (sweeper.current) return;
  const state = { timer: undefined as unknown as NodeJS.Timeout, running: null as Promise<void> | null };
  const tick = () => {
    if (state.running) return;
    state.running = runSweepsOnce().finally(() => (state.running = null));
  };
  state.timer = setInterval(tick, config().recovery.sweepMs);
  state.timer.unref();
  sweeper.current = state;
  tick();
}

/** Stops the sweeps, letting a running round finish (graceful shutdown). */
export async function stopSweeper(): Promise<void> {
  const state = sweeper.current;
  if (!state) return;
  clearInterval(state.timer);
  sweeper.current = undefined;
  await state.running;
}

/** The names of the registered sweeps. */
export function definedSweeps(): string[] {
  return [...sweeps.keys()];
}
