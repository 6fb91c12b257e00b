// Keys of admin.connections.providers / admin.connections.environments for a provider and environment
// (Nuvy calls its sandbox "QA"; lib/connections/providers/hosts.ts keeps the English labels for logs).
import type { EnvironmentId, ProviderId } from "@/lib/connections/providers/types";

export type EnvironmentKey = "SANDBOX" | "PRODUCTION" | "NUVY_SANDBOX" | "OAUTH2_SANDBOX" | "SIMULATOR";

export function environmentKey(provider: ProviderId, environment: EnvironmentId | "SIMULATOR"): EnvironmentKey {
  if (environment === "SANDBOX" && (provider === "NUVY" || provider === "OAUTH2")) return `${provider}_SANDBOX`;
  return environment;
}
