// The Noon simulator's own control pages beside the shared `/__sim/*` API: the issued keys (fingerprints as
// JSON, an HTML page to revoke them by hand) and `POST /__sim/keys/revoke`.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { hasContentType, isRecord, readBody, sendJson, sendText } from "../http";
import { BODY_LIMIT } from "./api";
import { renderKeysPage } from "./consent-page";
import type { NoonContext } from "./context";
import { revokeKey } from "./state";

/** Serves `/__sim/issued-keys`, `/__sim/keys` and `/__sim/keys/revoke`; false for any other path. */
export async function handleKeyControl(
  ctx: NoonContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const { state, pageHeaders } = ctx;
  if (req.method === "GET" && url.pathname === "/__sim/issued-keys") {
    // Fingerprints only: a test compares what the app stored without the key crossing the control API.
    const keys = [...state.issuedKeys.values()].map((k) => ({
      keyId: k.keyId,
      projectCode: k.projectCode,
      sha256: createHash("sha256").update(k.privateKeyPem).digest("hex"),
      revoked: k.revokedAt !== undefined,
    }));
    sendJson(res, 200, { keys });
    return true;
  }
  if (url.pathname === "/__sim/keys") {
    sendText(res, 200, renderKeysPage([...state.issuedKeys.values()]), "text/html; charset=utf-8", pageHeaders);
    return true;
  }
  if (url.pathname === "/__sim/keys/revoke") {
    await revokeControl(ctx, req, res);
    return true;
  }
  return false;
}

/** POST /__sim/keys/revoke: JSON or form with `keyId`, or `projectCode` (every key of that project). */
async function revokeControl(ctx: NoonContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { state, now } = ctx;
  if (req.method !== "POST") {
    sendJson(res, 405, { message: "method not allowed" }, { allow: "POST" });
    return;
  }
  let fields: Record<string, unknown>;
  try {
    const raw = (await readBody(req, BODY_LIMIT)).toString("utf8");
    fields = hasContentType(req, "application/x-www-form-urlencoded")
      ? Object.fromEntries(new URLSearchParams(raw))
      : (JSON.parse(raw || "{}") as unknown as Record<string, unknown>);
    if (!isRecord(fields)) throw new Error("not an object");
  } catch {
    sendJson(res, 400, { message: 'body: JSON or form with "keyId" or "projectCode"' });
    return;
  }
  const keyIds =
    typeof fields.keyId === "string" && fields.keyId
      ? [fields.keyId]
      : typeof fields.projectCode === "string" && fields.projectCode
        ? [...state.issuedKeys.values()].filter((k) => k.projectCode === fields.projectCode).map((k) => k.keyId)
        : [];
  const revoked = keyIds.filter((id) => revokeKey(state, id, now()));
  if (revoked.length === 0) {
    sendJson(res, 404, { message: "no issued key matches" });
    return;
  }
  if (hasContentType(req, "application/x-www-form-urlencoded")) {
    res.writeHead(303, { location: "/__sim/keys", "cache-control": "no-store" });
    res.end();
    return;
  }
  sendJson(res, 200, { revoked });
}
