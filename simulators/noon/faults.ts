// Fault injection of the Noon simulator (`POST /__sim/faults`): the shared switches plus Noon's own.
import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, FaultBoard, hang, sendJson, sendText, type CounterBook } from "../http";
import { apiError } from "./api";

export type NoonEndpoint = "authorize" | "decision" | "login" | "whoami" | "create" | "exchange" | "other";
export const noonEndpoints: readonly NoonEndpoint[] = [
  "authorize",
  "decision",
  "login",
  "whoami",
  "create",
  "exchange",
  "other",
];

/**
 * Noon-specific fault counters (besides failNext/malformedNext/timeoutNext/delayMs):
 * - `expireSessionNext`: the next N authenticated calls answer 401 and drop the session, as if it expired.
 * - `statusErrorNext`: the next N exchanges answer 200 with `status.code` != 0 and no result.
 * - `incompleteNext`: the next N successful calls answer JSON with required fields missing
 *   (login: 200 without session cookies).
 */
export type NoonFaultCounter = "expireSessionNext" | "statusErrorNext" | "incompleteNext";
export const noonFaultCounters: readonly NoonFaultCounter[] = [
  "expireSessionNext",
  "statusErrorNext",
  "incompleteNext",
];

export type NoonFaultBoard = FaultBoard<NoonEndpoint, NoonFaultCounter>;

export function createNoonFaults(): NoonFaultBoard {
  return new FaultBoard<NoonEndpoint, NoonFaultCounter>(noonEndpoints, noonFaultCounters);
}

/** Applies delay and infrastructure faults before a route runs; true when the call was answered by a fault. */
export async function applyPreflight(
  faults: NoonFaultBoard,
  counters: CounterBook<NoonEndpoint>,
  req: IncomingMessage,
  res: ServerResponse,
  ep: NoonEndpoint,
): Promise<boolean> {
  await delay(faults.delayMs(ep), req);
  const fault = faults.preflight(ep);
  if (fault.kind === "timeout") {
    counters.rejected(ep, "fault_timeout");
    await hang(req, res, fault.hangMs);
    return true;
  }
  if (fault.kind === "fail") {
    counters.rejected(ep, "fault_fail");
    apiError(res, fault.status, fault.status === 503 ? "service unavailable" : "internal error");
    return true;
  }
  return false;
}

/** Answers a malformed (HTML) or incomplete (`incomplete`) success when that fault is armed; true if it did. */
export function answeredMalformed(
  faults: NoonFaultBoard,
  counters: CounterBook<NoonEndpoint>,
  res: ServerResponse,
  ep: NoonEndpoint,
  incomplete: unknown,
): boolean {
  if (faults.take(ep, "malformedNext")) {
    counters.rejected(ep, "fault_malformed");
    sendText(res, 200, "<html><body>upstream connect error</body></html>", "text/html");
    return true;
  }
  if (faults.take(ep, "incompleteNext")) {
    counters.rejected(ep, "fault_incomplete");
    sendJson(res, 200, incomplete);
    return true;
  }
  return false;
}
