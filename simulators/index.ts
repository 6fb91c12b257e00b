// Starts the provider simulators together (dev, e2e, bench): always the four client-credentials
// providers; Noon and the Secrets Manager simulator only when their options are given, since
// scripts/lib/stack.ts starts those two on its own.
import {
  startSecretsManagerSimulator,
  type SecretsManagerSimulatorOptions,
  type StartedSecretsManagerSimulator,
} from "./aws-secrets/index";
import { startInyoSimulator, type StartedInyoSimulator } from "./inyo/index";
import { startNoonSimulator, type NoonSimulatorOptions, type StartedNoonSimulator } from "./noon/index";
import { startNoyoSimulator, type StartedNoyoSimulator } from "./noyo/index";
import { startNuvySimulator, type StartedNuvySimulator } from "./nuvy/index";
import { startOAuth2Simulator, type StartedOAuth2Simulator } from "./oauth2/index";

export type ProviderSimulatorName = "noyo" | "inyo" | "nuvy" | "oauth2";

export type StartAllSimulatorsOptions = {
  /** Bind address of the client-credentials simulators; default 127.0.0.1. */
  host?: string;
  /** Fixed ports (dev keeps them stable across restarts); unset = a random free port. */
  ports?: Partial<Record<ProviderSimulatorName | "noon" | "aws", number>>;
  /** Also start the Noon simulator with these options. */
  noon?: Omit<NoonSimulatorOptions, "port">;
  /** Also start the Secrets Manager simulator with these options. */
  aws?: Omit<SecretsManagerSimulatorOptions, "port">;
};

export type AllSimulators = {
  noyo: StartedNoyoSimulator;
  inyo: StartedInyoSimulator;
  nuvy: StartedNuvySimulator;
  oauth2: StartedOAuth2Simulator;
  /** Present when `opts.noon` was given. */
  noon?: StartedNoonSimulator;
  /** Present when `opts.aws` was given. */
  aws?: StartedSecretsManagerSimulator;
  close(): Promise<void>;
};

type Closable = { close(): Promise<void> };

export async function startAllSimulators(opts: StartAllSimulatorsOptions = {}): Promise<AllSimulators> {
  const listen = (name: ProviderSimulatorName): { host?: string; port?: number } => ({
    host: opts.host,
    port: opts.ports?.[name],
  });
  const noyo = startNoyoSimulator(listen("noyo"));
  const inyo = startInyoSimulator(listen("inyo"));
  const nuvy = startNuvySimulator(listen("nuvy"));
  const oauth2 = startOAuth2Simulator(listen("oauth2"));
  const noon = opts.noon ? startNoonSimulator({ ...opts.noon, port: opts.ports?.noon }) : undefined;
  const aws = opts.aws ? startSecretsManagerSimulator({ ...opts.aws, port: opts.ports?.aws }) : undefined;

  const all: Array<Promise<Closable>> = [noyo, inyo, nuvy, oauth2, ...(noon ? [noon] : []), ...(aws ? [aws] : [])];
  const settled = await Promise.allSettled(all);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) {
    // One port taken must not leave the others listening.
    await Promise.all(settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.close()] : [])));
    throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
  }
  const started: AllSimulators = {
    noyo: await noyo,
    inyo: await inyo,
    nuvy: await nuvy,
    oauth2: await oauth2,
    ...(noon ? { noon: await noon } : {}),
    ...(aws ? { aws: await aws } : {}),
    async close() {
      await Promise.all(settled.flatMap((s) => (s.status === "fulfilled" ? [s.value.close()] : [])));
    },
  };
  return started;
}
