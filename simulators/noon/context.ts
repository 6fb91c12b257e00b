// What the Noon simulator's route handlers share: its state, counters and faults, the client registered
// with it, the integrator's service account and the settings of this instance.
import type { KeyObject } from "node:crypto";
import type { CounterBook } from "../http";
import type { NoonEndpoint, NoonFaultBoard } from "./faults";
import type { NoonKeyFile, NoonPrivateKeyFormat, NoonSimulatorState } from "./state";

export type NoonContext = {
  state: NoonSimulatorState;
  counters: CounterBook<NoonEndpoint>;
  faults: NoonFaultBoard;
  now: () => number;
  /** The client "registered with Noon" and its redirect URI. */
  clientId: string;
  clientSecret: string;
  redirect: URL;
  /** The integrator's own service account: its key file and the public key that checks its logins. */
  integratorKey: NoonKeyFile;
  integratorPublicKey: KeyObject;
  keyFormat: NoonPrivateKeyFormat;
  loginMaxAgeSeconds: number;
  sessionTtlMs: number;
  /** Security headers of the HTML pages (consent, errors, keys). */
  pageHeaders: Record<string, string>;
  /** The key that signs token/create's access tokens (made on first use). */
  signingKey(): Promise<KeyObject>;
  /** A key pair for a new seller key (fresh, or the next of `sellerKeyPool`). */
  sellerKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;
};
