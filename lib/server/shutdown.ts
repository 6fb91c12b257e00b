import "server-only";
// How an app process stops (`next start`), installed at start by lib/server/start.ts: the graceful drain takes
// Next's SIGTERM/SIGINT listeners and calls them at the end of its own drain; exit hooks write buffered work
// before any exit (why and how: lib/server/README.md).
import { config } from "@/lib/config/env";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/server/process-singleton";

type Signal = "SIGTERM" | "SIGINT";
type ShutdownState = {
  installed: boolean;
  exitHooksInstalled: boolean;
  draining: boolean;
  inFlight: number;
  idle: (() => void)[];
  tasks: { name: string; stop: (budgetMs: number) => Promise<void> }[];
  exitHooks: ExitHook[];
  exitHooksRunning: Promise<void> | null;
};
type ExitHook = { name: string; run: () => Promise<void> };

const state = processSingleton<ShutdownState>("shutdown", () => ({
  installed: false,
  exitHooksInstalled: false,
  draining: false,
  inFlight: 0,
  idle: [],
  tasks: [],
  exitHooks: [],
  exitHooksRunning: null,
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
 * Installs the stop of a server process once: the drain (unless `drain` is false: under `next dev` Ctrl-C
 * stops at once), then the exit hooks.
 */
export function installShutdown({ drain }: { drain: boolean }): void {
  if (drain) installGracefulShutdown();
  if (state.exitHooksInstalled) return;
  state.exitHooksInstalled = true;
  installExitHooks();
}

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

// Exit hooks: work that must finish before a server process exits (buffered counts written, leases given
// back), after the drain, Next's own exit included: `next start` answers SIGTERM/SIGINT by closing its server
// and then calling process.exit, so the hooks start on the signal and process.exit waits for them (at most
// EXIT_HOOKS_LIMIT_MS) before exiting.

const EXIT_HOOKS_LIMIT_MS = 5_000;

/** Registers work to run when the server stops (after a signal, and again right before exit). */
export function beforeExit(name: string, run: () => Promise<void>): void {
  state.exitHooks.push({ name, run });
}

/** Runs every stop hook once more (each must be safe to repeat); resolves within EXIT_HOOKS_LIMIT_MS. */
export function runExitHooks(): Promise<void> {
  state.exitHooksRunning ??= Promise.race([
    Promise.all(
      state.exitHooks.map((h) =>
        h
          .run()
          .catch((error: unknown) =>
            log().error(
              { hook: h.name, err: error instanceof Error ? error.message : String(error) },
              "exit hook failed",
            ),
          ),
      ),
    ).then(() => undefined),
    new Promise<void>((r) => setTimeout(r, EXIT_HOOKS_LIMIT_MS).unref()),
  ]).finally(() => {
    state.exitHooksRunning = null;
  });
  return state.exitHooksRunning;
}

/** Exit hooks start on the signal and process.exit waits for them (never in tests or CLI scripts). */
function installExitHooks(): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void runExitHooks());
  const exit = process.exit.bind(process);
  // Requests still in flight when the signal came have finished by now (Next closed its server first).
  process.exit = ((code?: number | string | null) => {
    void runExitHooks().finally(() => exit(code ?? undefined));
  }) as typeof process.exit;
}
