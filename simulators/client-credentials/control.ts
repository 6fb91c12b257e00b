// The `/__sim/*` control API of a client-credentials simulator: the shared counters/faults/reset plus the
// registered clients.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleSimControl, isRecord, readJson, sendJson } from "../http";
import type { CcCounterSet } from "./counters";
import type { CcFaults } from "./faults";

export type ClientControl = {
  /** Registers (or replaces) a client from a `POST /__sim/clients` body; returns an error or null. */
  addFromJson(body: Record<string, unknown>): string | null;
  remove(clientId: string): boolean;
  ids(): string[];
};

/**
 * `/__sim/*` for a client-credentials simulator: the shared counters/faults/reset endpoints plus
 * `GET /__sim/clients` (ids only, never secrets), `POST /__sim/clients` `{clientId, clientSecret, …}`
 * and `DELETE /__sim/clients/{clientId}`. Returns false when the path is not under `/__sim`.
 */
export async function handleCcControl<K extends string>(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  parts: {
    counters: CcCounterSet<K>;
    faults: CcFaults<K>;
    clients: ClientControl;
    reset: () => void;
  },
): Promise<boolean> {
  if (pathname === "/__sim/clients") {
    if (req.method === "GET") {
      sendJson(res, 200, { clientIds: parts.clients.ids() });
      return true;
    }
    if (req.method !== "POST") {
      sendJson(res, 405, { message: "method not allowed" }, { allow: "GET, POST" });
      return true;
    }
    const body = await readJson(req);
    if (!body.ok || !isRecord(body.value)) {
      sendJson(res, 400, { message: "body must be a JSON object" });
      return true;
    }
    const error = parts.clients.addFromJson(body.value);
    if (error) sendJson(res, 400, { message: error });
    else sendJson(res, 200, { clientIds: parts.clients.ids() });
    return true;
  }
  if (pathname.startsWith("/__sim/clients/")) {
    if (req.method !== "DELETE") {
      sendJson(res, 405, { message: "method not allowed" }, { allow: "DELETE" });
      return true;
    }
    const id = decodeURIComponent(pathname.slice("/__sim/clients/".length));
    const removed = parts.clients.remove(id);
    sendJson(res, removed ? 200 : 404, { removed });
    return true;
  }
  return handleSimControl(req, res, pathname, {
    counters: () => parts.counters.snapshot(),
    faults: () => parts.faults.snapshot(),
    applyFaults: (body) => parts.faults.board.applyJson(body),
    reset: parts.reset,
  });
}
