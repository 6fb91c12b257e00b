import "server-only";
import { config, type AppConfig } from "@/lib/config/env";
import type { SecretStore } from "@/lib/secrets";
import { processSingleton } from "@/lib/server/process-singleton";
import { NoonClient } from "./client";

// What the Noon routes depend on, replaceable in tests (a simulator's settings, a short timeout, a clock).

export type NoonSettings = NonNullable<AppConfig["noon"]>;

export type NoonDeps = {
  /** null: Noon is not configured on this server. Default: config().noon. */
  noon?: NoonSettings | null;
  client?: NoonClient;
  now?: () => Date;
  /** The secret store for seller keys (default: secretStore()). */
  store?: SecretStore;
  /** Measurements (bench): keySealed gets how long the key existed only in memory, in ms. */
  observe?: { keySealed?: (ms: number) => void };
};

const shared = processSingleton<{ current?: { key: string; client: NoonClient } }>("noon-client", () => ({}));

/** The process-wide client (one integrator session per process, reused by every request). */
export function sharedNoonClient(noon: NoonSettings): NoonClient {
  const key = `${noon.apiUrl}|${noon.clientId}|${noon.integratorKey?.key_id ?? ""}`;
  const cached = shared.current;
  if (cached?.key === key) return cached.client;
  const client = new NoonClient({
    apiUrl: noon.apiUrl,
    clientId: noon.clientId,
    clientSecret: noon.clientSecret,
    integratorKey: noon.integratorKey,
  });
  shared.current = { key, client };
  return client;
}

export function resolveDeps(deps: NoonDeps = {}): {
  noon: NoonSettings | null;
  client: () => NoonClient;
  now: () => Date;
  store: SecretStore | undefined;
  observe: NoonDeps["observe"];
} {
  const noon = deps.noon === undefined ? config().noon : deps.noon;
  return {
    noon,
    client: () => {
      if (deps.client) return deps.client;
      if (!noon) throw new Error("Noon is not configured");
      return sharedNoonClient(noon);
    },
    now: deps.now ?? (() => new Date()),
    store: deps.store,
    observe: deps.observe,
  };
}
