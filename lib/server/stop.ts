import "server-only";
import { log } from "@/lib/log";

// Work that must finish before a server process exits (buffered counts written, listeners closed).
// `next start` answers SIGTERM/SIGINT by closing its server and then calling process.exit; so the stop
// hooks start on the signal and process.exit waits for them (at most STOP_LIMIT_MS) before exiting.

type StopHook = { name: string; run: () => Promise<void> };
const hooks: StopHook[] = [];
const STOP_LIMIT_MS = 5_000;
let running: Promise<void> | null = null;
let installed = false;

/** Registers work to run when the server stops (after a signal, and again right before exit). */
export function onServerStop(name: string, run: () => Promise<void>): void {
  hooks.push({ name, run });
}

/** Runs every stop hook once more (each must be safe to repeat); resolves within STOP_LIMIT_MS. */
export function runStopHooks(): Promise<void> {
  running ??= Promise.race([
    Promise.all(
      hooks.map((h) =>
        h
          .run()
          .catch((error: unknown) =>
            log().error(
              { hook: h.name, err: error instanceof Error ? error.message : String(error) },
              "stop hook failed",
            ),
          ),
      ),
    ).then(() => undefined),
    new Promise<void>((r) => setTimeout(r, STOP_LIMIT_MS).unref()),
  ]).finally(() => {
    running = null;
  });
  return running;
}

/** Installed once by the server's start (lib/server/start.ts), never in tests or CLI scripts. */
export function installStopHandling(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void runStopHooks());
  const exit = process.exit.bind(process);
  // Requests still in flight when the signal came have finished by now (Next closed its server first).
  process.exit = ((code?: number | string | null) => {
    void runStopHooks().finally(() => exit(code ?? undefined));
  }) as typeof process.exit;
}
