// Fault injection of the Secrets Manager simulator (set through `POST /__sim/faults`): the shared switches
// plus AWS's own failures, taken at the point of the call where AWS would fail.
import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, FaultBoard, hang, type CounterBook } from "../http";
import { AwsError, secretsEndpoints, type SecretsEndpoint, type SecretsOperation } from "./protocol";

/**
 * Secrets Manager fault counters (besides failNext → InternalServiceError, malformedNext, timeoutNext, delayMs):
 * - `throttleNext`: the next N calls answer 400 ThrottlingException (the SDK retries these).
 * - `denyNext`: the next N calls answer 400 AccessDeniedException.
 * - `failAfterCommitNext`: the next N calls do their work, then answer 500 InternalServiceError
 *   (a lost answer: the SDK retries with the same ClientRequestToken).
 */
export type SecretsFaultCounter = "throttleNext" | "denyNext" | "failAfterCommitNext";
export const secretsFaultCounters: readonly SecretsFaultCounter[] = ["throttleNext", "denyNext", "failAfterCommitNext"];

export type SecretsFaultBoard = FaultBoard<SecretsEndpoint, SecretsFaultCounter>;

/** An injected failure: the AWS error to answer and the reason it is counted under. */
export type InjectedFailure = { error: AwsError; reason: string };

export function createSecretsFaults(): SecretsFaultBoard {
  return new FaultBoard<SecretsEndpoint, SecretsFaultCounter>(secretsEndpoints, secretsFaultCounters);
}

/**
 * On arrival: waits `delayMs`, then takes a timeout (the call hangs, counted, and true is returned) or
 * leaves a pending `failNext` for `beforeOperation` (it applies once the caller is authenticated).
 */
export async function onArrival(
  faults: SecretsFaultBoard,
  counters: CounterBook<SecretsEndpoint>,
  ep: SecretsEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ hung: true } | { hung: false; failStatus?: number }> {
  await delay(faults.delayMs(ep), req);
  const pre = faults.preflight(ep);
  if (pre.kind === "timeout") {
    counters.rejected(ep, "fault_timeout");
    await hang(req, res, pre.hangMs);
    return { hung: true };
  }
  return { hung: false, ...(pre.kind === "fail" ? { failStatus: pre.status } : {}) };
}

/** After authentication, before the operation: throttling, then a pending failure, then an access denial. */
export function beforeOperation(
  faults: SecretsFaultBoard,
  ep: SecretsEndpoint,
  op: SecretsOperation,
  accountId: string,
  failStatus: number | undefined,
): InjectedFailure | undefined {
  if (faults.take(ep, "throttleNext")) {
    return { error: new AwsError("ThrottlingException", "Rate exceeded"), reason: "fault_throttle" };
  }
  if (failStatus !== undefined) {
    return {
      error: new AwsError("InternalServiceError", "An error occurred on the server side.", failStatus),
      reason: "fault_fail",
    };
  }
  if (faults.take(ep, "denyNext")) {
    return {
      error: new AwsError(
        "AccessDeniedException",
        `User: arn:aws:iam::${accountId}:user/simulator is not authorized to perform: secretsmanager:${op} because no identity-based policy allows the secretsmanager:${op} action`,
      ),
      reason: "fault_deny",
    };
  }
  return undefined;
}

/** After the operation did its work: the answer is lost (500) and the work stays done. */
export function afterOperation(faults: SecretsFaultBoard, ep: SecretsEndpoint): InjectedFailure | undefined {
  if (!faults.take(ep, "failAfterCommitNext")) return undefined;
  return {
    error: new AwsError("InternalServiceError", "An error occurred on the server side.", 500),
    reason: "fault_fail_after_commit",
  };
}
