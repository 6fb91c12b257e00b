// The consent pages of oauth.noon.partners: GET /authorize shows the request to the seller, POST
// /authorize/decision redirects back to the client with a code (approve) or access_denied (decline).
import type { IncomingMessage, ServerResponse } from "node:http";
import { hasContentType, readBody, sendText } from "../http";
import { BODY_LIMIT, PROJECT_CODE, type ApiChecks } from "./api";
import { projectCodeError, renderConsentPage, renderErrorPage, simLanguage } from "./consent-page";
import type { NoonContext } from "./context";
import type { NoonEndpoint } from "./faults";
import { issueAuthorizationCode, random, randomProjectCode } from "./state";

const CONSENT_TTL_MS = 10 * 60 * 1000;

export function createConsentRoutes(ctx: NoonContext, checks: ApiChecks) {
  const { state, counters, now, clientId, pageHeaders, redirect } = ctx;
  const { rejectPage } = checks;

  // ---- GET /authorize ------------------------------------------------------------------------
  const authorize = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const ep: NoonEndpoint = "authorize";
    if (req.method !== "GET" && req.method !== "HEAD") {
      counters.rejected(ep, "method");
      sendText(
        res,
        405,
        renderErrorPage("Method not allowed", "Open this page with GET."),
        "text/html; charset=utf-8",
        {
          ...pageHeaders,
          allow: "GET, HEAD",
        },
      );
      return;
    }
    for (const name of ["client_id", "state"]) {
      if (url.searchParams.getAll(name).length > 1) {
        rejectPage(
          res,
          ep,
          400,
          "duplicate_param",
          "Invalid request",
          `The parameter "${name}" appears more than once.`,
        );
        return;
      }
    }
    const reqClient = url.searchParams.get("client_id");
    const reqState = url.searchParams.get("state");
    if (!reqClient) {
      rejectPage(res, ep, 400, "missing_client_id", "Invalid request", "The client_id parameter is missing.");
      return;
    }
    if (reqClient !== clientId) {
      rejectPage(
        res,
        ep,
        400,
        "unknown_client",
        "Unknown application",
        "This application is not registered with Noon.",
      );
      return;
    }
    if (!reqState) {
      rejectPage(res, ep, 400, "missing_state", "Invalid request", "The state parameter is missing.");
      return;
    }
    const requestId = random(24);
    const projectCode = randomProjectCode();
    state.pendingConsents.set(requestId, {
      clientId: reqClient,
      state: reqState,
      projectCode,
      expiresAt: now() + CONSENT_TTL_MS,
    });
    counters.succeeded(ep);
    sendText(
      res,
      200,
      renderConsentPage({
        requestId,
        clientId: reqClient,
        projectCode,
        lang: simLanguage({
          uiLocales: url.searchParams.get("ui_locales"),
          cookieHeader: req.headers.cookie,
          acceptLanguage: req.headers["accept-language"],
        }),
      }),
      "text/html; charset=utf-8",
      pageHeaders,
    );
  };

  // ---- POST /authorize/decision --------------------------------------------------------------
  const decision = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ep: NoonEndpoint = "decision";
    if (req.method !== "POST") {
      rejectPage(res, ep, 405, "method", "Method not allowed", "Submit the consent form.");
      return;
    }
    if (!hasContentType(req, "application/x-www-form-urlencoded")) {
      rejectPage(
        res,
        ep,
        415,
        "content_type",
        "Invalid request",
        "The form must be submitted as application/x-www-form-urlencoded.",
      );
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, BODY_LIMIT);
    } catch {
      rejectPage(res, ep, 413, "body_too_large", "Invalid request", "The form is too large.");
      return;
    }
    const form = new URLSearchParams(raw.toString("utf8"));
    for (const name of ["request_id", "project_code", "decision", "ui_locales"]) {
      if (form.getAll(name).length > 1) {
        rejectPage(res, ep, 400, "duplicate_param", "Invalid request", `The field "${name}" appears more than once.`);
        return;
      }
    }
    const requestId = form.get("request_id") ?? "";
    const pending = state.pendingConsents.get(requestId);
    if (!pending || pending.expiresAt <= now()) {
      state.pendingConsents.delete(requestId);
      rejectPage(
        res,
        ep,
        400,
        "unknown_request",
        "Request expired",
        "This authorization request is unknown or has expired. Start again from the application.",
      );
      return;
    }
    const choice = form.get("decision");
    const target = new URL(redirect);
    if (choice === "decline") {
      state.pendingConsents.delete(requestId);
      target.searchParams.set("error", "access_denied");
      target.searchParams.set("error_description", "The seller declined the authorization request.");
      target.searchParams.set("state", pending.state);
      counters.succeeded(ep);
      res.writeHead(303, { location: target.toString(), "cache-control": "no-store" });
      res.end();
      return;
    }
    if (choice !== "approve") {
      rejectPage(res, ep, 400, "bad_decision", "Invalid request", "Choose Approve or Decline.");
      return;
    }
    const projectCode = (form.get("project_code") ?? "").trim();
    if (!PROJECT_CODE.test(projectCode)) {
      counters.rejected(ep, "bad_project_code");
      const lang = simLanguage({
        uiLocales: form.get("ui_locales"),
        cookieHeader: req.headers.cookie,
        acceptLanguage: req.headers["accept-language"],
      });
      sendText(
        res,
        400,
        renderConsentPage({
          requestId,
          clientId: pending.clientId,
          projectCode,
          projectCodeError: projectCodeError(lang),
          lang,
        }),
        "text/html; charset=utf-8",
        pageHeaders,
      );
      return;
    }
    state.pendingConsents.delete(requestId);
    const code = issueAuthorizationCode(state, now(), { projectCode, clientId: pending.clientId });
    target.searchParams.set("code", code);
    target.searchParams.set("state", pending.state);
    counters.succeeded(ep);
    res.writeHead(303, { location: target.toString(), "cache-control": "no-store" });
    res.end();
  };

  return { authorize, decision };
}
