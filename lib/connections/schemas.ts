import "server-only";
// What staff may enter for a connection (zod at the boundary), and the host rules its URLs must meet.
import { z } from "zod";
import { config } from "@/lib/config/env";
import { providerUrlProblem } from "@/lib/http/outbound";
import { PROVIDER_HOSTS, PROVIDER_LABELS } from "./providers/hosts";
import { PROVIDER_IDS } from "./providers/types";
import { originOf } from "./records";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === "" ? null : v))
    .nullish()
    .transform((v) => v ?? null);

const urlField = optionalText(2000);

export const connectionFields = {
  name: z.string().trim().min(1, "Give the connection a name.").max(120),
  clientId: z.string().trim().min(1, "Enter the client id.").max(500),
  scope: optionalText(1000),
  tokenUrl: urlField,
  apiBaseUrl: urlField,
  credentialsIn: z.enum(["basic", "body"]).default("basic"),
  bodyEncoding: z.enum(["form", "json"]).default("form"),
};

export const createConnectionInput = z.object({
  provider: z.enum(PROVIDER_IDS),
  // SIMULATOR: the bundled simulator (development and e2e only); stored as SANDBOX with its URLs.
  environment: z.enum(["SANDBOX", "PRODUCTION", "SIMULATOR"]),
  ...connectionFields,
  clientSecret: z.string().min(1, "Enter the client secret.").max(4000),
});
export type CreateConnectionInput = z.input<typeof createConnectionInput>;

export const updateConnectionInput = z.object({
  ...connectionFields,
  // Required only when the token URL or the API base URL moves to another origin.
  clientSecret: z
    .string()
    .max(4000)
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type UpdateConnectionInput = z.input<typeof updateConnectionInput>;

/**
 * A field-level refusal, shaped like zod's so forms show it beside the field; `code`: its message in the
 * catalogue (admin.connections.errors.*) for pages in other languages (lib/auth/action.ts).
 */
export function fieldError(field: string, message: string, code: string): z.ZodError {
  return new z.ZodError([
    { code: "custom", path: [field], message, input: undefined, params: { i18n: `admin.connections.errors.${code}` } },
  ]);
}

/**
 * Noyo, Inyo and Nuvy: only their documented origins for the environment (FACTS.md), so a stored secret
 * cannot be pointed at another host. ALLOW_INSECURE_PROVIDER_URLS (tests, simulators) lifts this.
 */
export function documentedHostProblem(
  provider: keyof typeof PROVIDER_HOSTS,
  environment: "SANDBOX" | "PRODUCTION",
  field: "tokenUrl" | "apiBaseUrl",
  url: string,
  anyHost: boolean = config().allowInsecureProviderUrls,
): string | null {
  const documented = PROVIDER_HOSTS[provider]?.[environment];
  if (!documented || anyHost) return null;
  const expected = originOf(documented[field]);
  if (originOf(url) === expected) return null;
  const what = field === "tokenUrl" ? "token URL" : "API URL";
  return `${PROVIDER_LABELS[provider]}'s ${what} must be on its documented host ${expected}; leave it empty to use it.`;
}

/** Token URL and API base: the operator's values, else the documented hosts of the environment. */
export function resolveHosts(
  provider: keyof typeof PROVIDER_HOSTS,
  environment: "SANDBOX" | "PRODUCTION" | "SIMULATOR",
  tokenUrl: string | null,
  apiBaseUrl: string | null,
): { tokenUrl: string; apiBaseUrl: string | null } {
  let documented: { tokenUrl: string; apiBaseUrl: string } | null | undefined;
  if (environment === "SIMULATOR") {
    documented = config().providerSimulators?.[provider];
    if (!documented)
      throw fieldError(
        "environment",
        "The bundled simulator is offered only in development (npm run dev); choose Sandbox or Production.",
        "simulatorOnlyInDev",
      );
  } else {
    documented = PROVIDER_HOSTS[provider]?.[environment];
  }
  const finalToken = tokenUrl ?? documented?.tokenUrl;
  if (!finalToken) throw fieldError("tokenUrl", "Enter the token URL of this OAuth2 server.", "tokenUrlRequired");
  const finalApi = apiBaseUrl ?? documented?.apiBaseUrl ?? null;
  const tokenProblem = providerUrlProblem(finalToken);
  if (tokenProblem) throw fieldError("tokenUrl", `The token URL ${tokenProblem}.`, "unsafeUrl");
  // The simulators exist only with ALLOW_INSECURE_PROVIDER_URLS, which lifts the documented-host rule.
  const stored = environment === "SIMULATOR" ? "SANDBOX" : environment;
  const tokenHost = documentedHostProblem(provider, stored, "tokenUrl", finalToken);
  if (tokenHost) throw fieldError("tokenUrl", tokenHost, "documentedHost");
  if (finalApi) {
    const apiProblem = providerUrlProblem(finalApi);
    if (apiProblem) throw fieldError("apiBaseUrl", `The API URL ${apiProblem}.`, "unsafeUrl");
    const apiHost = documentedHostProblem(provider, stored, "apiBaseUrl", finalApi);
    if (apiHost) throw fieldError("apiBaseUrl", apiHost, "documentedHost");
  }
  return { tokenUrl: finalToken, apiBaseUrl: finalApi?.replace(/\/+$/, "") ?? null };
}

export const rotateSecretInput = z.object({
  clientSecret: z.string().min(1, "Enter the new client secret.").max(4000),
});
