import "server-only";
// Noyo (noyo-authentication.txt): Basic header, JSON {"grant_type":"client_credentials"}, answer
// {access_token, expires_in, token_type}. The page contradicts itself on the lifetime (10 minutes; example
// 864000; "milliseconds"), so the token lives for the shortest of: its JWT `exp`, 10 minutes, expires_in as ms.
// Errors are gRPC-gateway bodies {code, message, details}; auth failures are 401 code 16.
import { z } from "zod";
import { err, ok } from "@/lib/errors";
import { badAnswer, basicAuthorization, buildToken, clip, send, throttledOrUnavailable } from "./common";
import { ProviderError, type ProviderAdapter } from "./types";

const NAME = "Noyo";
export const NOYO_MAX_LIFETIME_MS = 10 * 60_000;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  token_type: z.string().min(1),
});

const errorBody = z.object({ code: z.number().int().optional(), message: z.string().optional() }).passthrough();

function detail(json: unknown): string {
  const parsed = errorBody.safeParse(json);
  if (!parsed.success) return "";
  const { code, message } = parsed.data;
  if (code !== undefined && message) return `code ${code}: ${clip(message)}`;
  return message ? clip(message) : code !== undefined ? `code ${code}` : "";
}

function describe(status: number, json: unknown): string {
  const d = detail(json);
  const inner = d ? `${status}, ${d}` : `${status}`;
  if (status === 401) {
    const expired = d.includes("TIME_CONSTRAINT_FAILURE") ? " – the token expired" : "";
    return `Noyo rejected the credentials (${inner})${expired}`;
  }
  if (status === 403) return `Noyo refused access (${inner})`;
  if (status === 400) return `Noyo refused the token request (${inner})`;
  return `Noyo answered ${inner}`;
}

export const noyoAdapter: ProviderAdapter = {
  id: "NOYO",
  label: NAME,
  check: { label: "GET /api/v1/groups", method: "GET", path: "/api/v1/groups" },

  async fetchToken(cfg, clientSecret, opts = {}) {
    const now = opts.now ?? Date.now;
    const sent = await send(
      NAME,
      cfg.tokenUrl,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: basicAuthorization(cfg.clientId, clientSecret) },
        body: JSON.stringify({ grant_type: "client_credentials" }),
      },
      opts,
    );
    if (!sent.ok) return sent;
    const answer = sent.data;
    if (answer.status >= 200 && answer.status < 300) {
      const parsed = tokenAnswer.safeParse(answer.json);
      if (!parsed.success) return err(badAnswer(NAME, answer, parsed.error));
      const { access_token, expires_in, token_type } = parsed.data;
      // expires_in is documented as milliseconds: the shortest reading wins.
      return ok(buildToken(access_token, token_type, [NOYO_MAX_LIFETIME_MS, expires_in], answer, now()));
    }
    const throttled = throttledOrUnavailable(NAME, answer, detail(answer.json));
    if (throttled) return err(throttled);
    const kind = answer.status === 401 ? "credentials" : answer.status === 403 ? "forbidden" : answer.status === 400 ? "bad-request" : "unexpected";
    return err(new ProviderError(kind, describe(answer.status, answer.json), { httpStatus: answer.status }));
  },

  describeApiError(status, bodyText) {
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      json = undefined;
    }
    if (status === 401) {
      const d = detail(json);
      return `Noyo refused the token (401${d ? `, ${d}` : ""})`;
    }
    return describe(status, json);
  },
};
