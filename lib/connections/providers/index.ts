import "server-only";
// The provider registry and the documented hosts per environment (docs/providers/FACTS.md), filled in on creation.
import { inyoAdapter, INYO_TOKEN_RATE_LIMIT } from "./inyo";
import { noyoAdapter } from "./noyo";
import { nuvyAdapter } from "./nuvy";
import { oauth2Adapter } from "./oauth2";
import type { EnvironmentId, ProviderAdapter, ProviderId } from "./types";

export * from "./types";
export { PROVIDER_HOSTS, PROVIDER_LABELS, ENVIRONMENT_LABELS } from "./hosts";

const ADAPTERS: Record<ProviderId, ProviderAdapter> = {
  NOYO: noyoAdapter,
  INYO: inyoAdapter,
  NUVY: nuvyAdapter,
  OAUTH2: oauth2Adapter,
};

export function providerAdapter(provider: ProviderId): ProviderAdapter {
  return ADAPTERS[provider];
}

/** Token requests a provider allows per client (shared by every instance of the app). */
export function tokenRateLimit(provider: ProviderId): { limit: number; windowMs: number } | null {
  return provider === "INYO" ? INYO_TOKEN_RATE_LIMIT : null;
}

export type { EnvironmentId };
