// What every operation handler gets: the store, the clock and the account the ARNs name.
import type { SecretsOperation } from "../protocol";
import type { SecretsStore } from "../store";

export type OperationContext = { store: SecretsStore; now: () => number; region: string; accountId: string };

/** One operation: the request's JSON object in, the answer's out; an AwsError is AWS's error answer. */
export type Operation = (body: Record<string, unknown>) => Record<string, unknown>;

export type Operations<O extends SecretsOperation = SecretsOperation> = Record<O, Operation>;
