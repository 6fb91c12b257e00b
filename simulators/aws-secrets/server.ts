// The Secrets Manager simulator assembled: the store, the operations of each area, faults and counters,
// and the request pipeline of `POST /` (`X-Amz-Target: secretsmanager.<Op>`) after the `/__sim/*` control API.
import { randomUUID } from "node:crypto";
import {
  boardControl,
  CounterBook,
  handleSimControl,
  hasContentType,
  isRecord,
  readJson,
  sendJson,
  sendText,
  startHttpServer,
  type FaultPatch,
  type SimHandler,
} from "../http";
import {
  afterOperation,
  beforeOperation,
  createSecretsFaults,
  onArrival,
  type SecretsFaultBoard,
  type SecretsFaultCounter,
} from "./faults";
import type { Operations } from "./operations/context";
import { lifecycleOperations } from "./operations/lifecycle";
import { listOperations } from "./operations/list";
import { tagOperations } from "./operations/tags";
import { valueOperations } from "./operations/values";
import {
  AwsError,
  JSON_11,
  misTypedField,
  secretsOperations,
  sendAwsError,
  type SecretsEndpoint,
  type SecretsOperation,
} from "./protocol";
import { checkSigV4 } from "./sigv4";
import { SecretsStore, type SecretsManagerSimulatorState } from "./store";

export type SecretsManagerSimulatorOptions = {
  port?: number;
  /** Region in ARNs and the one SigV4 credential scopes must name (default us-east-1). */
  region?: string;
  accountId?: string;
  /** When given, only these access key ids are accepted (else UnrecognizedClientException). */
  allowedAccessKeyIds?: readonly string[];
  /** Clock in milliseconds (tests move time to pass recovery windows). */
  now?: () => number;
};

export type SecretsManagerSimulator = {
  handler: SimHandler;
  state: SecretsManagerSimulatorState;
  counters: CounterBook<SecretsEndpoint>;
  faults: SecretsFaultBoard;
  region: string;
  accountId: string;
  setFaults(patch: FaultPatch<SecretsFaultCounter>, operation?: SecretsEndpoint): void;
  /** Forgets every secret, counter and fault. */
  reset(): void;
  /** The AWSCURRENT string value of a secret (by name), for assertions; undefined when none. */
  currentValue(name: string): string | undefined;
};

export type StartedSecretsManagerSimulator = SecretsManagerSimulator & { url: string; close(): Promise<void> };

export function createSecretsManagerSimulator(opts: SecretsManagerSimulatorOptions = {}): SecretsManagerSimulator {
  const region = opts.region ?? "us-east-1";
  const accountId = opts.accountId ?? "123456789012";
  const now = opts.now ?? Date.now;
  const allowedKeys = opts.allowedAccessKeyIds ? new Set(opts.allowedAccessKeyIds) : undefined;
  const store = new SecretsStore(now);
  const counters = new CounterBook<SecretsEndpoint>();
  const faults = createSecretsFaults();
  const context = { store, now, region, accountId };
  const ops: Operations = {
    ...valueOperations(context),
    ...lifecycleOperations(context),
    ...listOperations(context),
    ...tagOperations(context),
  };

  const reset = (): void => {
    store.clear();
    counters.reset();
    faults.reset();
  };

  const handler: SimHandler = async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (await handleSimControl(req, res, url.pathname, boardControl(counters, faults, reset))) return;

    const requestId = randomUUID();
    const target = req.headers["x-amz-target"];
    const op =
      typeof target === "string" && target.startsWith("secretsmanager.")
        ? target.slice("secretsmanager.".length)
        : undefined;
    const known =
      op !== undefined && (secretsOperations as readonly string[]).includes(op) ? (op as SecretsOperation) : undefined;
    const ep: SecretsEndpoint = known ?? "other";
    counters.received(ep);

    const fail = (err: AwsError, reason: string): void => {
      counters.rejected(ep, reason);
      sendAwsError(res, requestId, err);
    };

    if (req.method !== "POST" || url.pathname !== "/") {
      fail(new AwsError("UnknownOperationException", "Only POST / is supported.", 404), "bad_path");
      return;
    }
    if (!known) {
      fail(
        new AwsError(
          "UnknownOperationException",
          `Unknown operation ${typeof target === "string" ? target : "(missing X-Amz-Target)"}`,
        ),
        "unknown_operation",
      );
      return;
    }

    const arrival = await onArrival(faults, counters, ep, req, res);
    if (arrival.hung) return;

    try {
      checkSigV4(req, { region, allowedKeys });
    } catch (err) {
      if (err instanceof AwsError) return fail(err, "auth");
      throw err;
    }
    const injected = beforeOperation(faults, ep, known, accountId, arrival.failStatus);
    if (injected) return fail(injected.error, injected.reason);
    if (!hasContentType(req, JSON_11)) {
      return fail(new AwsError("SerializationException", `Content-Type must be ${JSON_11}.`, 400), "content_type");
    }
    const body = await readJson(req, 1024 * 1024);
    if (!body.ok || !isRecord(body.value)) {
      return fail(new AwsError("SerializationException", "The request body is not a JSON object."), "body");
    }
    const input = body.value;
    const misTyped = misTypedField(known, input);
    if (misTyped) {
      return fail(new AwsError("SerializationException", `${misTyped[0]} must be a ${misTyped[1]}.`), "serialization");
    }
    // JSON null means "absent" on the wire.
    for (const [k, v] of Object.entries(input)) if (v === null) delete input[k];

    let output: Record<string, unknown>;
    try {
      output = ops[known](input);
    } catch (err) {
      if (err instanceof AwsError) return fail(err, err.type);
      throw err;
    }
    const lost = afterOperation(faults, ep);
    if (lost) return fail(lost.error, lost.reason);
    if (faults.take(ep, "malformedNext")) {
      counters.rejected(ep, "fault_malformed");
      sendText(res, 200, "<html><body>Service Unavailable</body></html>", JSON_11, { "x-amzn-requestid": requestId });
      return;
    }
    counters.succeeded(ep);
    sendJson(res, 200, output, { "content-type": JSON_11, "x-amzn-requestid": requestId });
  };

  return {
    handler,
    state: store.state,
    counters,
    faults,
    region,
    accountId,
    setFaults: (patch, operation) => faults.set(patch, operation),
    reset,
    currentValue: (name) => store.currentValue(name),
  };
}

export async function startSecretsManagerSimulator(
  opts: SecretsManagerSimulatorOptions = {},
): Promise<StartedSecretsManagerSimulator> {
  const sim = createSecretsManagerSimulator(opts);
  const server = await startHttpServer(sim.handler, opts.port === undefined ? {} : { port: opts.port });
  return { ...sim, url: server.url, close: server.close };
}
