import "server-only";
// Noyo (docs/providers/noyo-authentication.txt): Basic header, JSON {"grant_type":"client_credentials"}, answer
// {access_token, expires_in, token_type}. The page contradicts itself on the lifetime (10 minutes; example
// 864000; "milliseconds"), so the token lives for the shortest of: its JWT `exp`, 10 minutes, expires_in as ms.
// Errors are gRPC-gateway bodies {code, message, details}; auth failures are 401 code 16.
import { z } from "zod";
import { basicAuthorization, clip, parseJson, requestToken } from "./common";
import type { ProviderAdapter } from "./types";

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
    return requestToken(
      {
        provider: NAME,
        url: cfg.tokenUrl,
        headers: { "content-type": "application/json", authorization: basicAuthorization(cfg.clientId, clientSecret) },
        body: JSON.stringify({ grant_type: "client_credentials" }),
        answer: tokenAnswer,
        // expires_in is documented as milliseconds: the shortest reading wins.
        lifetimesMs: ({ expires_in }) => [NOYO_MAX_LIFETIME_MS, expires_in],
        token: ({ access_token, token_type }) => ({ accessToken: access_token, tokenType: token_type }),
        throttledDetail: (answer) => detail(answer.json),
        badRequestStatuses: [400],
        describe,
      },
      opts,
    );
  },

  describeApiError(status, bodyText) {
    const json = parseJson(bodyText);
    if (status === 401) {
      const d = detail(json);
      return `Noyo refused the token (401${d ? `, ${d}` : ""})`;
    }
    return describe(status, json);
  },
};
