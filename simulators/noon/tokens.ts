// Noon's OAuth token endpoints, both behind an integrator session: token/create (the seller's code for a
// one-use access token) and token/exchange (that token for a new seller key, shown once).
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SignJWT } from "jose";
import { sendJson } from "../http";
import { requireStrings, safeEqual, type ApiChecks } from "./api";
import type { NoonContext } from "./context";
import { answeredMalformed, type NoonEndpoint } from "./faults";
import { exportPrivate, isoSeconds, type IssuedSellerKey } from "./state";

const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;

export function createTokenRoutes(ctx: NoonContext, checks: ApiChecks) {
  const { state, counters, faults, now, clientId, clientSecret, keyFormat, signingKey } = ctx;
  const { reject, checkApiRequest, requireSession, readJsonObject } = checks;
  const malformed = (res: ServerResponse, ep: NoonEndpoint, incomplete: unknown): boolean =>
    answeredMalformed(faults, counters, res, ep, incomplete);

  // ---- POST /identity/oauth/v1/token/create --------------------------------------------------
  const create = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "create";
    if (!checkApiRequest(req, res, ep, "POST")) return;
    if (!requireSession(req, res, ep)) return;
    const body = await readJsonObject(req, res, ep);
    if (!body) return;
    const fields = requireStrings(body, ["grant_type", "code", "client_id", "client_secret"]);
    if (typeof fields === "string") {
      reject(res, ep, 400, "missing_field", `${fields} is required`);
      return;
    }
    const { grant_type: grantType, code, client_id: bodyClient, client_secret: bodySecret } = fields;
    if (grantType !== "authorization_code") {
      reject(res, ep, 400, "bad_grant_type", "unsupported grant_type");
      return;
    }
    if (bodyClient !== clientId || !safeEqual(bodySecret, clientSecret)) {
      reject(res, ep, 401, "bad_client", "invalid client credentials");
      return;
    }
    const entry = state.codes.get(code);
    if (!entry) {
      reject(res, ep, 400, "code_unknown", "invalid authorization code");
      return;
    }
    if (entry.used) {
      reject(res, ep, 400, "code_used", "authorization code already used");
      return;
    }
    if (entry.expiresAt <= now()) {
      reject(res, ep, 400, "code_expired", "authorization code expired");
      return;
    }
    if (entry.clientId !== bodyClient) {
      reject(res, ep, 400, "code_client_mismatch", "authorization code was issued to another client");
      return;
    }
    entry.used = true;
    const issuedAt = now();
    const accessToken = await new SignJWT({
      project_code: entry.projectCode,
      client_id: bodyClient,
      scope: "access:grant",
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setSubject(entry.projectCode)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .setExpirationTime(Math.floor((issuedAt + ACCESS_TOKEN_TTL_MS) / 1000))
      .setJti(randomUUID())
      .sign(await signingKey());
    state.accessTokens.set(accessToken, {
      clientId: bodyClient,
      projectCode: entry.projectCode,
      expiresAt: issuedAt + ACCESS_TOKEN_TTL_MS,
      used: false,
    });
    if (malformed(res, ep, { token_type: "TOKEN_TYPE_BEARER", expires_in: "3600s" })) return;
    counters.succeeded(ep);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: "TOKEN_TYPE_BEARER",
      expires_in: "3600s",
      scopes: ["access:grant"],
      project_code: entry.projectCode,
    });
  };

  // ---- POST /identity/oauth/v1/token/exchange ------------------------------------------------
  const exchange = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "exchange";
    if (!checkApiRequest(req, res, ep, "POST")) return;
    if (!requireSession(req, res, ep)) return;
    const body = await readJsonObject(req, res, ep);
    if (!body) return;
    const token = body.access_token;
    if (typeof token !== "string" || token === "") {
      reject(res, ep, 400, "missing_field", "access_token is required");
      return;
    }
    const entry = state.accessTokens.get(token);
    if (!entry) {
      reject(res, ep, 401, "token_unknown", "invalid access token");
      return;
    }
    if (entry.used) {
      reject(res, ep, 401, "token_used", "access token already used");
      return;
    }
    if (entry.expiresAt <= now()) {
      reject(res, ep, 401, "token_expired", "access token expired");
      return;
    }
    entry.used = true;
    const oauthRequestId = randomUUID();
    if (faults.take(ep, "statusErrorNext")) {
      counters.rejected(ep, "fault_status_error");
      sendJson(res, 200, {
        status: { code: 13, message: "service account creation failed" },
        project_code: entry.projectCode,
        oauth_request_id: oauthRequestId,
      });
      return;
    }
    const pair = await ctx.sellerKeyPair();
    const issued: IssuedSellerKey = {
      keyId: randomBytes(16).toString("hex"),
      privateKeyPem: exportPrivate(pair.privateKey, keyFormat),
      publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
      projectCode: entry.projectCode,
      channelIdentifier: `oauth-${randomBytes(4).toString("hex")}@${entry.projectCode.toLowerCase()}.noon.partners`,
      issuedAt: isoSeconds(now()),
      oauthRequestId,
    };
    // The key exists on Noon's side even if the answer below is garbled by a fault.
    state.issuedKeys.set(issued.keyId, issued);
    state.oauthRequestIds.push(oauthRequestId);
    if (malformed(res, ep, { status: { code: 0 }, project_code: entry.projectCode, oauth_request_id: oauthRequestId }))
      return;
    counters.succeeded(ep);
    sendJson(res, 200, {
      status: { code: 0 },
      project_code: entry.projectCode,
      oauth_request_id: oauthRequestId,
      result: {
        key_id: issued.keyId,
        private_key: issued.privateKeyPem,
        channel_identifier: issued.channelIdentifier,
        project_code: issued.projectCode,
        type: "apijwt",
        issued_at: issued.issuedAt,
      },
    });
  };

  return { create, exchange };
}
