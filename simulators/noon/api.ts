// What every call of Noon's identity API shares: grpc-gateway error bodies, the request checks (method,
// User-Agent, Content-Type), the integrator session behind the cookies, and the JSON body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { hasContentType, isRecord, parseCookies, readJson, sendJson, sendText } from "../http";
import { renderErrorPage } from "./consent-page";
import type { NoonContext } from "./context";
import type { NoonEndpoint } from "./faults";
import type { Session } from "./state";

export const BODY_LIMIT = 64 * 1024;
export const FUTURE_SKEW_SECONDS = 5;
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const PROJECT_CODE = /^PRJ\d{5,8}$/;
export const APP_USER_AGENT = /^[A-Za-z][\w.-]*\/\S+/;

// grpc-gateway style error codes (Noon's API speaks protojson: "3600s", "TOKEN_TYPE_BEARER").
const grpcCodeFor: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  405: 12,
  415: 3,
  429: 8,
  500: 13,
  502: 14,
  503: 14,
  504: 4,
};

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The named fields as non-empty strings, or the name of the first one missing. */
export function requireStrings<N extends string>(
  body: Record<string, unknown>,
  names: readonly N[],
): Record<N, string> | N {
  const out = {} as Record<N, string>;
  for (const name of names) {
    const value = body[name];
    if (typeof value !== "string" || value === "") return name;
    out[name] = value;
  }
  return out;
}

export function apiError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { code: grpcCodeFor[status] ?? 2, message, details: [] }, headers);
}

/** The request checks and rejections of one simulator instance. */
export function createApiChecks(ctx: NoonContext) {
  const { state, counters, faults, now, pageHeaders } = ctx;

  const reject = (res: ServerResponse, ep: NoonEndpoint, status: number, reason: string, message: string): void => {
    counters.rejected(ep, reason);
    apiError(res, status, message);
  };

  const rejectPage = (
    res: ServerResponse,
    ep: NoonEndpoint,
    status: number,
    reason: string,
    title: string,
    message: string,
  ): void => {
    counters.rejected(ep, reason);
    sendText(res, status, renderErrorPage(title, message), "text/html; charset=utf-8", pageHeaders);
  };

  /** Common checks of a JSON API call: method, User-Agent, Content-Type. */
  const checkApiRequest = (
    req: IncomingMessage,
    res: ServerResponse,
    ep: NoonEndpoint,
    method: "GET" | "POST",
  ): boolean => {
    if (req.method !== method) {
      counters.rejected(ep, "method");
      apiError(res, 405, `method ${req.method ?? ""} not allowed`, { allow: method });
      return false;
    }
    const ua = req.headers["user-agent"];
    // Node's fetch sends "node" by default: demand an application product token ("App/1.0").
    if (typeof ua !== "string" || !APP_USER_AGENT.test(ua)) {
      reject(res, ep, 403, "user_agent", "a User-Agent header naming the application (Name/version) is required");
      return false;
    }
    if (method === "POST" && !hasContentType(req, "application/json")) {
      reject(res, ep, 415, "content_type", "Content-Type must be application/json");
      return false;
    }
    return true;
  };

  const requireSession = (req: IncomingMessage, res: ServerResponse, ep: NoonEndpoint): Session | null => {
    const cookies = parseCookies(req.headers.cookie);
    const sid = cookies.get("_npsid");
    const rt = cookies.get("_nprtnetid");
    const session = sid ? state.sessions.get(sid) : undefined;
    if (!session || !rt || !safeEqual(rt, session.rtnetid)) {
      reject(res, ep, 401, "session", "unauthenticated: no valid session");
      return null;
    }
    if (session.expiresAt <= now()) {
      state.sessions.delete(session.sid);
      reject(res, ep, 401, "session_expired", "unauthenticated: session expired");
      return null;
    }
    if (faults.take(ep, "expireSessionNext")) {
      state.sessions.delete(session.sid);
      reject(res, ep, 401, "fault_session_expired", "unauthenticated: session expired");
      return null;
    }
    return session;
  };

  const readJsonObject = async (
    req: IncomingMessage,
    res: ServerResponse,
    ep: NoonEndpoint,
  ): Promise<Record<string, unknown> | null> => {
    const body = await readJson(req, BODY_LIMIT);
    if (!body.ok) {
      reject(
        res,
        ep,
        body.reason === "too_large" ? 413 : 400,
        `body_${body.reason}`,
        `invalid request body: ${body.reason}`,
      );
      return null;
    }
    if (!isRecord(body.value)) {
      reject(res, ep, 400, "body_not_object", "request body must be a JSON object");
      return null;
    }
    return body.value;
  };

  return { reject, rejectPage, checkApiRequest, requireSession, readJsonObject };
}

export type ApiChecks = ReturnType<typeof createApiChecks>;
