// The machinery of the client-credentials simulators (Noyo, Inyo, Nuvy, OAuth2): each dialect imports it here.
export { ClientRegistry, clientFromJson, type SimClient } from "./clients";
export { CcCounterSet, ClientTally, type CcCounters } from "./counters";
export {
  BODY_LIMIT_BYTES,
  defineCcSimulator,
  listen,
  listenCc,
  positiveSeconds,
  type CcDialect,
  type CcSimulatorOptions,
  type CcSimulator,
  type DialectAnswer,
  type ListenOptions,
  type Refusal,
  type StartedCcSimulator,
  type TokenGrant,
  type Unauthorized,
} from "./define";
export {
  CcFaults,
  ccFaultExtras,
  sendMalformedJson,
  type CcFaultExtra,
  type CcFaultPatch,
  type CcFaultSnapshot,
} from "./faults";
export {
  basicHeader,
  defaultSimClient,
  header,
  mediaType,
  oauthError,
  parseBasicAuth,
  parseBearer,
  parseForm,
  readBasicTokenRequest,
  type BasicAuth,
  type BasicTokenRequest,
  type FormBody,
} from "./parsing";
export { TokenSigner, createManualClock, systemClock, type Clock, type TokenCheck } from "./tokens";
