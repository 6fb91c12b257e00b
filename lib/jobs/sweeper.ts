import "server-only";
// Recovery sweeps: short tasks that every process (each app instance and each worker) runs every
// RECOVERY_SWEEP_MS, so work stranded by a dead process is finished while any process of the app runs,
// whether or not a job worker does. Each sweep claims rows atomically (leases, SKIP LOCKED), so any
// number of processes can sweep together.
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";

type Sweep = { name: string; run: () => Promise<void> };
const sweeps = new Map<string, Sweep>();

/** Registers a sweep (module top level; the module must be imported by lib/jobs/registry.ts). */
export function defineSweep(name: string, run: () => Promise<void>) {
  sweeps.set(name, { name, run });
}

const globalSweeper = globalThis as unknown as {
  __sellerOnboardingSweeper?: { timer: NodeJS.Timeout; running: Promise<void> | null };
};

/** Runs every sweep once, one after the other; a failing sweep is logged and does not stop the others. */
export async function runSweepsOnce(): Promise<void> {
  await import("./registry");
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
  if (globalSweeper.__sellerOnboardingSweeper) return;
  const state = { timer: undefined as unknown as NodeJS.Timeout, running: null as Promise<void> | null };
  const tick = () => {
    if (state.running) return;
    state.running = runSweepsOnce().finally(() => (state.running = null));
  };
  state.timer = setInterval(tick, config().recovery.sweepMs);
  state.timer.unref();
  globalSweeper.__sellerOnboardingSweeper = state;
  tick();
}

/** Stops the sweeps, letting a running round finish (graceful shutdown). */
export async function stopSweeper(): Promise<void> {
  const state = globalSweeper.__sellerOnboardingSweeper;
  if (!state) return;
  clearInterval(state.timer);
  globalSweeper.__sellerOnboardingSweeper = undefined;
  await state.running;
}

/** The names of the registered sweeps. */
export function definedSweeps(): string[] {
  return [...sweeps.keys()];
}
