// Starts the client-credentials provider simulators together (dev, e2e, bench).
// Noon and the Secrets Manager simulator are started on their own by scripts/lib/stack.ts
// (startNoonSimulator / startSecretsManagerSimulator); add them here if one hub should own them.
import { startInyoSimulator, type StartedInyoSimulator } from "./inyo/index";
import { startNoyoSimulator, type StartedNoyoSimulator } from "./noyo/index";
import { startNuvySimulator, type StartedNuvySimulator } from "./nuvy/index";
import { startOAuth2Simulator, type StartedOAuth2Simulator } from "./oauth2/index";

export type ProviderSimulatorName = "noyo" | "inyo" | "nuvy" | "oauth2";

export type StartAllSimulatorsOptions = {
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** Fixed ports (dev keeps them stable across restarts); unset = random free port. */
  ports?: Partial<Record<ProviderSimulatorName, number>>;
};

export type AllSimulators = {
  noyo: StartedNoyoSimulator;
  inyo: StartedInyoSimulator;
  nuvy: StartedNuvySimulator;
  oauth2: StartedOAuth2Simulator;
  close(): Promise<void>;
};

export async function startAllSimulators(opts: StartAllSimulatorsOptions = {}): Promise<AllSimulators> {
  const listen = (name: ProviderSimulatorName): { host?: string; port?: number } => ({
    host: opts.host,
    port: opts.ports?.[name],
  });
  const starting = [
    startNoyoSimulator(listen("noyo")),
    startInyoSimulator(listen("inyo")),
    startNuvySimulator(listen("nuvy")),
    startOAuth2Simulator(listen("oauth2")),
  ] as const;
  const settled = await Promise.allSettled(starting);
  const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) {
    // One port taken must not leave the others listening.
    await Promise.all(started.map((s) => s.close()));
    throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
  }
  const [noyo, inyo, nuvy, oauth2] = await Promise.all(starting);
  return {
    noyo,
    inyo,
    nuvy,
    oauth2,
    async close() {
      await Promise.all([noyo.close(), inyo.close(), nuvy.close(), oauth2.close()]);
    },
  };
}
