// Noon's identity API for the integrator: the login (a JWT signed with a service-account key, checked
// strictly: claims, age, replay, revocation, project) that opens a session, and whoami.
import { createPublicKey, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { compactVerify } from "jose";
import { isRecord, sendJson, sendText } from "../http";
import { FUTURE_SKEW_SECONDS, UUID_V4, type ApiChecks } from "./api";
import type { NoonContext } from "./context";
import { answeredMalformed, type NoonEndpoint } from "./faults";
import { random, sellerUserCode, type Session } from "./state";

export function createIdentityRoutes(ctx: NoonContext, checks: ApiChecks) {
  const { state, counters, faults, now, integratorKey } = ctx;
  const { reject, checkApiRequest, requireSession, readJsonObject } = checks;
  const malformed = (res: ServerResponse, ep: NoonEndpoint, incomplete: unknown): boolean =>
    answeredMalformed(faults, counters, res, ep, incomplete);

  type LoginAccount = { keyId: string; publicKey: KeyObject; projectCode: string; userCode: string; revoked: boolean };

  /** The service account a login JWT names in its `sub` (read before the signature is checked). */
  const loginAccount = (token: string): LoginAccount | null => {
    let sub: unknown;
    try {
      const payload = token.split(".")[1] ?? "";
      sub = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { sub?: unknown }).sub;
    } catch {
      return null;
    }
    if (typeof sub !== "string") return null;
    if (sub === integratorKey.key_id) {
      return {
        keyId: sub,
        publicKey: ctx.integratorPublicKey,
        projectCode: integratorKey.project_code,
        userCode: integratorKey.user_code,
        revoked: false,
      };
    }
    const issued = state.issuedKeys.get(sub);
    if (!issued) return null;
    return {
      keyId: issued.keyId,
      publicKey: createPublicKey(issued.publicKeyPem),
      projectCode: issued.projectCode,
      userCode: sellerUserCode(issued.keyId),
      revoked: issued.revokedAt !== undefined,
    };
  };

  // ---- POST /identity/public/v1/api/login ----------------------------------------------------
  const login = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "login";
    if (!checkApiRequest(req, res, ep, "POST")) return;
    const body = await readJsonObject(req, res, ep);
    if (!body) return;
    const { token, default_project_code: projectCode } = body;
    if (typeof token !== "string" || token === "") {
      reject(res, ep, 400, "missing_token", "token is required");
      return;
    }
    if (typeof projectCode !== "string" || projectCode === "") {
      reject(res, ep, 400, "missing_project_code", "default_project_code is required");
      return;
    }
    // The key is the one named by the (unverified) `sub`: the integrator's own, or a seller key this
    // simulator issued. The signature is then checked with that key's public key only.
    const account = loginAccount(token);
    if (!account) {
      reject(res, ep, 401, "bad_sub", "invalid token: unknown key");
      return;
    }
    let payloadBytes: Uint8Array;
    try {
      const verified = await compactVerify(token, account.publicKey, { algorithms: ["RS256"] });
      payloadBytes = verified.payload;
    } catch {
      reject(res, ep, 401, "bad_signature", "invalid token");
      return;
    }
    let claims: unknown;
    try {
      claims = JSON.parse(new TextDecoder().decode(payloadBytes)) as unknown;
    } catch {
      reject(res, ep, 401, "bad_claims", "invalid token");
      return;
    }
    if (!isRecord(claims)) {
      reject(res, ep, 401, "bad_claims", "invalid token");
      return;
    }
    const names = Object.keys(claims).sort();
    if (names.join(",") !== "iat,jti,sub") {
      reject(res, ep, 401, "unexpected_claims", "invalid token: claims must be exactly sub, iat, jti");
      return;
    }
    const { sub, iat, jti } = claims;
    if (sub !== account.keyId) {
      reject(res, ep, 401, "bad_sub", "invalid token: unknown key");
      return;
    }
    const nowSec = Math.floor(now() / 1000);
    if (typeof iat !== "number" || !Number.isInteger(iat)) {
      reject(res, ep, 401, "bad_iat", "invalid token: iat must be whole seconds");
      return;
    }
    if (iat > nowSec + FUTURE_SKEW_SECONDS) {
      reject(res, ep, 401, "iat_in_future", "invalid token: issued in the future");
      return;
    }
    if (nowSec - iat > ctx.loginMaxAgeSeconds) {
      reject(res, ep, 401, "iat_too_old", "invalid token: too old");
      return;
    }
    if (typeof jti !== "string" || !UUID_V4.test(jti)) {
      reject(res, ep, 401, "bad_jti", "invalid token: jti must be a UUID v4");
      return;
    }
    if (state.usedJtis.has(jti)) {
      reject(res, ep, 401, "jti_reused", "invalid token: replayed");
      return;
    }
    state.usedJtis.add(jti);
    if (account.revoked) {
      reject(res, ep, 401, "key_revoked", "invalid token: the key has been deactivated");
      return;
    }
    if (projectCode !== account.projectCode) {
      reject(res, ep, 403, "project_denied", "permission denied for project");
      return;
    }
    if (faults.take(ep, "malformedNext")) {
      counters.rejected(ep, "fault_malformed");
      sendText(res, 200, "<html><body>upstream connect error</body></html>", "text/html");
      return;
    }
    if (faults.take(ep, "incompleteNext")) {
      counters.rejected(ep, "fault_incomplete");
      sendJson(res, 200, {});
      return;
    }
    const session: Session = {
      sid: random(32),
      rtnetid: random(32),
      userCode: account.userCode,
      expiresAt: now() + ctx.sessionTtlMs,
      projectCode: account.projectCode,
    };
    state.sessions.set(session.sid, session);
    const maxAge = Math.floor(ctx.sessionTtlMs / 1000);
    counters.succeeded(ep);
    sendJson(
      res,
      200,
      {},
      {
        "set-cookie": [
          `_npsid=${session.sid}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`,
          `_nprtnetid=${session.rtnetid}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`,
        ],
      },
    );
  };

  // ---- GET /identity/v1/whoami ---------------------------------------------------------------
  const whoami = (req: IncomingMessage, res: ServerResponse): void => {
    const ep: NoonEndpoint = "whoami";
    if (!checkApiRequest(req, res, ep, "GET")) return;
    if (!requireSession(req, res, ep)) return;
    if (malformed(res, ep, { username: integratorKey.channel_identifier })) return;
    counters.succeeded(ep);
    sendJson(res, 200, { user_code: integratorKey.user_code, username: integratorKey.channel_identifier });
  };

  return { login, whoami };
}
