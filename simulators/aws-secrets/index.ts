export {
  createSecretsManagerSimulator,
  startSecretsManagerSimulator,
  type SecretsManagerSimulator,
  type SecretsManagerSimulatorOptions,
  type StartedSecretsManagerSimulator,
} from "./server";
export { secretsOperations, type SecretsEndpoint, type SecretsOperation } from "./protocol";
export { secretsFaultCounters, type SecretsFaultCounter } from "./faults";
export type { SecretRecord, SecretTag, SecretVersion, SecretsManagerSimulatorState } from "./store";
