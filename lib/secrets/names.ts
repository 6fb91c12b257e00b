// Secret names in the store. AWS allows letters, digits and /_+=.@- in a name (at most 512 characters);
// anything else in an id is replaced, so a name built here is always accepted by both backends.
import { config } from "@/lib/config/env";

const DISALLOWED = /[^A-Za-z0-9/_+=.@-]/g;

/** One path segment: disallowed characters become "-", and "/" too (a segment must not add levels). */
export function secretNameSegment(raw: string): string {
  const cleaned = raw.trim().replace(/\//g, "-").replace(DISALLOWED, "-");
  if (!cleaned) throw new Error("a secret name segment must not be empty");
  return cleaned;
}

function withPrefix(path: string, prefix = config().secrets.namePrefix): string {
  const name = `${prefix.replace(DISALLOWED, "-")}${path}`;
  if (name.length > 512) throw new Error(`secret name too long (${name.length} > 512 characters)`);
  return name;
}

/** `${SECRETS_NAME_PREFIX}noon/sellers/{projectCode}/{keyId}`: a seller's Noon service-account key. */
export function sellerKeySecretName(projectCode: string, keyId: string, prefix?: string): string {
  return withPrefix(`noon/sellers/${secretNameSegment(projectCode)}/${secretNameSegment(keyId)}`, prefix);
}

/** `${SECRETS_NAME_PREFIX}connections/{connectionId}`: a client-credentials connection's client secret. */
export function connectionSecretName(connectionId: string, prefix?: string): string {
  return withPrefix(`connections/${secretNameSegment(connectionId)}`, prefix);
}

/** `${SECRETS_NAME_PREFIX}webhooks/{endpointId}`: a webhook endpoint's signing secret (whsec_…). */
export function webhookSecretName(endpointId: string, prefix?: string): string {
  return withPrefix(`webhooks/${secretNameSegment(endpointId)}`, prefix);
}

export const secretNames = {
  sellerKey: sellerKeySecretName,
  connection: connectionSecretName,
  webhook: webhookSecretName,
};
