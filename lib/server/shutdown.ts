import "server-only";
// Graceful stop of an app process (`next start`), installed at start by lib/server/start.ts: it takes Next's
// SIGTERM/SIGINT listeners and calls them at the end of its own drain (why and how: lib/server/README.md).
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/server/process-singleton";

type Signal = "SIGTERM" | "SIGINT";
type ShutdownState = {
  installed: boolean;
  draining: boolean;
  inFlight: number;
  idle: (() => void)[];
  tasks: { name: string; stop: (budgetMs: number) => Promise<void> }[];
};

const state = processSingleton<ShutdownState>("shutdown", () => ({
  installed: false,
  draining: false,
  inFlight: 0,
  idle: [],
  tasks: [],
}));

/** True from the stop signal on: /api/health answers 503. */
export function isDraining(): boolean {
  return state.draining;
}

/** Runs work that a graceful stop must wait for (a Noon callback): counted while it runs. */
export async function trackInFlight<T>(work: () => Promise<T>): Promise<T> {
  state.inFlight++;
  try {
    return await work();
  } finally {
    state.inFlight--;
    if (state.inFlight === 0) for (const wake of state.idle.splice(0)) wake();
  }
}

/** Something the stop must end and wait for (job workers, sweeps), given the milliseconds left. */
export function onShutdown(name: string, stop: (budgetMs: number) => Promise<void>) {
  state.tasks.push({ name, stop });
}

function idle(): Promise<void> {
  return state.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => state.idle.push(resolve));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drains this process on SIGTERM/SIGINT (see the header). `exit` ends the process when Next's own
 * listeners are absent (NEXT_MANUAL_SIG_HANDLE set, or not under `next start`).
 */
export function installGracefulShutdown(opts: { exit?: (code: number) => void } = {}): void {
  if (state.installed) return;
  state.installed = true;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const handOver = new Map<Signal, ((signal: Signal) => void)[]>();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const theirs = process.listeners(signal) as ((signal: Signal) => void)[];
    handOver.set(signal, theirs);
    for (const listener of theirs) process.removeListener(signal, listener);
    process.on(signal, () => void drain(signal));
  }

  let started = false;
  async function drain(signal: Signal) {
    if (started) return;
    started = true;
    state.draining = true;
    const { drainDelayMs, timeoutMs } = config().shutdown;
    const deadline = Date.now() + timeoutMs;
    log().info(
      { signal, drainDelayMs, timeoutMs, inFlight: state.inFlight },
      "stop signal: draining (health answers 503)",
    );
    setTimeout(() => {
      log().error(
        { inFlight: state.inFlight },
        `work still running after SHUTDOWN_TIMEOUT_MS (${timeoutMs} ms): exiting anyway`,
      );
      exit(1);
    }, timeoutMs).unref();

    const stopping = Promise.all(
      state.tasks.map((t) =>
        t
          .stop(Math.max(0, deadline - Date.now() - 500))
          .catch((error: unknown) =>
            log().warn(
              { task: t.name, err: error instanceof Error ? error.message : String(error) },
              "stopping failed",
            ),
          ),
      ),
    );
    await sleep(drainDelayMs);
    await Promise.all([stopping, idle()]);
    log().info({ signal }, "drained: closing the server");
    const next = handOver.get(signal) ?? [];
    if (next.length === 0) exit(0);
    for (const listener of next) listener(signal);
  }
}
