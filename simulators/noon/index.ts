export {
  createNoonSimulator,
  startNoonSimulator,
  type NoonSimulator,
  type NoonSimulatorOptions,
  type StartedNoonSimulator,
} from "./server";
export { noonEndpoints, noonFaultCounters, type NoonEndpoint, type NoonFaultCounter } from "./faults";
export type { IssuedSellerKey, NoonKeyFile, NoonPrivateKeyFormat, NoonSimulatorState } from "./state";
