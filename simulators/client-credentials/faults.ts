// Fault injection shared by the client-credentials simulators (`POST /__sim/faults`): the shared switches
// plus Retry-After and forced 401/403 answers of the protected API.
import type { IncomingMessage, ServerResponse } from "node:http";
import { delay, FaultBoard, hang, sendJson, type CounterBook, type FaultPatch, type FaultSet } from "../http";

/**
 * Counters beyond the shared fault switches:
 * - `retryAfterSeconds`: the `Retry-After` sent with an injected 429 or 503 (default 1);
 * - `unauthorizedNext`: the next N API calls answer 401 whatever their token;
 * - `forbiddenNext`: the next N API calls answer 403.
 * The last two apply to protected API endpoints only, never to the token endpoint.
 */
export type CcFaultExtra = "retryAfterSeconds" | "unauthorizedNext" | "forbiddenNext";
export const ccFaultExtras: readonly CcFaultExtra[] = ["retryAfterSeconds", "unauthorizedNext", "forbiddenNext"];
export type CcFaultPatch = FaultPatch<CcFaultExtra>;
export type CcFaultSnapshot<K extends string> = {
  global: FaultSet<CcFaultExtra>;
  endpoints: Partial<Record<K, FaultSet<CcFaultExtra>>>;
};

const DEFAULT_RETRY_AFTER_SECONDS = 1;

type CcPreflight =
  { kind: "none" } | { kind: "timeout"; hangMs: number } | { kind: "fail"; status: number; retryAfterSeconds: number };

export class CcFaults<K extends string> {
  readonly board: FaultBoard<K, CcFaultExtra>;

  constructor(keys: readonly K[]) {
    this.board = new FaultBoard<K, CcFaultExtra>(keys, ccFaultExtras);
    this.board.set({ retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }

  set(patch: CcFaultPatch, endpoint?: K): void {
    this.board.set(patch, endpoint);
  }

  reset(): void {
    this.board.reset();
    this.board.set({ retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS });
  }

  snapshot(): CcFaultSnapshot<K> {
    return this.board.snapshot();
  }

  /**
   * Applies delay, hang and forced-status faults to one call. Returns true when the call has been
   * answered (or dropped) by a fault and the simulator must not answer it.
   */
  async intercept(
    req: IncomingMessage,
    res: ServerResponse,
    key: K,
    counters: CounterBook<K | "other">,
    failureBody: (status: number) => unknown,
  ): Promise<boolean> {
    await delay(this.board.delayMs(key), req);
    const fault = this.preflight(key);
    if (fault.kind === "timeout") {
      counters.rejected(key, "fault_timeout");
      await hang(req, res, fault.hangMs);
      return true;
    }
    if (fault.kind === "fail") {
      counters.rejected(key, `fault_${fault.status}`);
      const headers: Record<string, string> = {};
      if (fault.status === 429 || fault.status === 503) {
        headers["retry-after"] = String(fault.retryAfterSeconds);
      }
      sendJson(res, fault.status, failureBody(fault.status), headers);
      return true;
    }
    return false;
  }

  /**
   * Like FaultBoard.preflight, but the status, hang time and Retry-After come from the same fault
   * set (endpoint or global) whose counter was consumed, so a global `{failNext, status: 429}` is
   * not answered with an endpoint's older `status`.
   */
  private preflight(key: K): CcPreflight {
    const snap = this.board.snapshot();
    const own = snap.endpoints[key];
    for (const field of ["timeoutNext", "failNext"] as const) {
      const source = own && own[field] > 0 ? own : snap.global[field] > 0 ? snap.global : undefined;
      if (!source || !this.board.take(key, field)) continue;
      if (field === "timeoutNext") return { kind: "timeout", hangMs: source.hangMs };
      const retryAfter = source.retryAfterSeconds > 0 ? source.retryAfterSeconds : snap.global.retryAfterSeconds;
      return { kind: "fail", status: source.status, retryAfterSeconds: retryAfter };
    }
    return { kind: "none" };
  }

  /** Consumes one `unauthorizedNext` / `forbiddenNext` for an API call. */
  takeApiFault(key: K): "unauthorized" | "forbidden" | undefined {
    if (this.board.take(key, "unauthorizedNext")) return "unauthorized";
    if (this.board.take(key, "forbiddenNext")) return "forbidden";
    return undefined;
  }

  /** Consumes one `malformedNext`: the caller then answers with `sendMalformedJson`. */
  takeMalformed(key: K): boolean {
    return this.board.take(key, "malformedNext");
  }
}

/** A 200 whose JSON body is cut in half: what a truncated upstream answer looks like. */
export function sendMalformedJson(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const full = JSON.stringify(body);
  const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(cut),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(cut);
}
