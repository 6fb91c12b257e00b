import "server-only";
import { config } from "@/lib/config/env";
import { ConfigError } from "@/lib/config/load";
import { log } from "@/lib/log";
import { installGracefulShutdown } from "./shutdown";
import { installStopHandling } from "./stop";

type StartHook = { name: string; run: () => Promise<void> };
const hooks: StartHook[] = [];

/** Modules that need work at server start (admin bootstrap, job workers) register here. */
export function onServerStart(name: string, run: () => Promise<void>) {
  hooks.push({ name, run });
}

export async function startServer() {
  try {
    config();
  } catch (error) {
    if (error instanceof ConfigError) {
      // One clear line naming the variable, then stop: nothing falls back to a dev default in production.
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // Not under `next dev`: Ctrl-C there should stop at once.
  if (config().nodeEnv !== "development") installGracefulShutdown();
  // Buffered work (API-key usage counts) is written before any exit, Next's included (lib/server/stop.ts).
  installStopHandling();
  await import("@/lib/server/hooks");
  for (const hook of hooks) {
    try {
      await hook.run();
    } catch (error) {
      log().error(
        { hook: hook.name, err: error instanceof Error ? error.message : String(error) },
        "start hook failed",
      );
    }
  }
  log().info({ env: config().nodeEnv, appUrl: config().appUrl }, "server started");
}
