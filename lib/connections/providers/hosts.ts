// Documented hosts per provider and environment (docs/providers/FACTS.md). Kept free of
// "server-only" so the create form can show them.
import type { EnvironmentId, ProviderId } from "./types";

export const PROVIDER_LABELS: Record<ProviderId, string> = {
  NOYO: "Noyo",
  INYO: "Inyo",
  NUVY: "Nuvy",
  OAUTH2: "Standard OAuth2",
};

export const ENVIRONMENT_LABELS: Record<ProviderId, Record<EnvironmentId, string>> = {
  NOYO: { SANDBOX: "Sandbox", PRODUCTION: "Production" },
  INYO: { SANDBOX: "Sandbox", PRODUCTION: "Production" },
  NUVY: { SANDBOX: "QA", PRODUCTION: "Production" },
  OAUTH2: { SANDBOX: "Sandbox / test", PRODUCTION: "Production" },
};

/** Token URL and API base per environment; null for standard OAuth2 (the operator gives them). */
export const PROVIDER_HOSTS: Record<
  ProviderId,
  Record<EnvironmentId, { tokenUrl: string; apiBaseUrl: string }> | null
> = {
  NOYO: {
    SANDBOX: {
      tokenUrl: "https://accounts.noyo.com/auth/public/token",
      apiBaseUrl: "https://fulfillment-sandbox.noyo.com",
    },
    PRODUCTION: { tokenUrl: "https://accounts.noyo.com/auth/public/token", apiBaseUrl: "https://fulfillment.noyo.com" },
  },
  INYO: {
    SANDBOX: { tokenUrl: "https://sandbox-gw.simpleps.com/oauth/token", apiBaseUrl: "https://sandbox-gw.simpleps.com" },
    PRODUCTION: { tokenUrl: "https://gw.simpleps.com/oauth/token", apiBaseUrl: "https://gw.simpleps.com" },
  },
  NUVY: {
    SANDBOX: { tokenUrl: "https://qa.api.nuvy.ai/oauth2/token", apiBaseUrl: "https://qa.api.nuvy.ai" },
    PRODUCTION: { tokenUrl: "https://prd.api.nuvy.ai/oauth2/token", apiBaseUrl: "https://prd.api.nuvy.ai" },
  },
  OAUTH2: null,
};
