import "server-only";
// The secret store of this app: `secretStore()` picks the backend from SECRETS_BACKEND.
// Everything that keeps a secret goes through it; the database keeps only references (name, ARN, version).
import { config } from "@/lib/config/env";
import { createAwsSecretStore, type AwsSecretStoreOptions } from "./aws";
import { createLocalSecretStore, type LocalSecretStoreOptions } from "./local";
import type { SecretStore } from "./types";
import { processSingleton } from "@/lib/server/process-singleton";

export * from "./types";
export { sellerKeySecretName, connectionSecretName, webhookSecretName, secretNameSegment, secretNames } from "./names";
export { seal, unseal, connectionTokenContext } from "./seal";
export {
  storeSecretDurably,
  storeOrSealSecret,
  retryPendingSecret,
  onPendingSecretStored,
  requeuePendingSecrets,
  recoverPendingSecrets,
  sealPendingSecret,
  pendingRetryDelayMs,
  type DurableStoreResult,
  type PendingStoredInfo,
  type RetryPendingResult,
} from "./pending";
export { createAwsSecretStore, type AwsSecretStoreOptions } from "./aws";
export { createLocalSecretStore, type LocalSecretStoreOptions } from "./local";

export type SecretStoreFactoryOptions =
  ({ backend: "aws" } & AwsSecretStoreOptions) | ({ backend: "local" } & LocalSecretStoreOptions);

/** Builds a store with explicit options (tests, scripts); the app uses `secretStore()`. */
export function createSecretStore(opts: SecretStoreFactoryOptions): SecretStore {
  if (opts.backend === "aws") {
    const { backend: _backend, ...aws } = opts;
    return createAwsSecretStore(aws);
  }
  const { backend: _backend, ...local } = opts;
  return createLocalSecretStore(local);
}

/** The configured secret store (SECRETS_BACKEND=aws|local), one per process. */
export function secretStore(): SecretStore {
  return processSingleton<SecretStore>("secret-store", () => {
    const { backend, kmsKeyId, namePrefix } = config().secrets;
    return backend === "aws"
      ? createAwsSecretStore({ ...(kmsKeyId ? { kmsKeyId } : {}), probeName: `${namePrefix}health-probe` })
      : createLocalSecretStore();
  });
}
