import "server-only";
// Inyo (docs/providers/inyo-authentication.txt): POST /oauth/token with JSON {clientId, secretId}; camelCase answer
// {accessToken, tokenType, expiresIn (s)}; 401 {status, message, responseCode: "SE_001"};
// the token endpoint allows 60 requests a minute (429 past it: back off with jitter).
import { z } from "zod";
import { clip, parseJson, requestToken } from "./common";
import type { ProviderAdapter } from "./types";

const NAME = "Inyo";
/** Documented: the authentication endpoint allows 60 requests a minute. */
export const INYO_TOKEN_RATE_LIMIT = { limit: 60, windowMs: 60_000 };

const tokenAnswer = z.object({
  accessToken: z.string().min(1),
  tokenType: z.string().min(1),
  expiresIn: z.number().positive(),
});

const errorBody = z
  .object({ status: z.number().optional(), message: z.string().optional(), responseCode: z.string().optional() })
  .passthrough();

function detail(json: unknown): string {
  const parsed = errorBody.safeParse(json);
  if (!parsed.success) return "";
  const { responseCode, message } = parsed.data;
  if (responseCode && message) return `${clip(responseCode, 40)}: ${clip(message)}`;
  return clip(responseCode ?? message ?? "");
}

function describe(status: number, json: unknown): string {
  const d = detail(json);
  const inner = d ? `${status}, ${d}` : `${status}`;
  if (status === 401) return `Inyo rejected the credentials (${inner})`;
  if (status === 403) return `Inyo refused access (${inner})`;
  if (status === 400 || status === 415) return `Inyo refused the token request (${inner})`;
  return `Inyo answered ${inner}`;
}

export const inyoAdapter: ProviderAdapter = {
  id: "INYO",
  label: NAME,

  async fetchToken(cfg, clientSecret, opts = {}) {
    return requestToken(
      {
        provider: NAME,
        url: cfg.tokenUrl,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientId: cfg.clientId, secretId: clientSecret }),
        answer: tokenAnswer,
        lifetimesMs: ({ expiresIn }) => [expiresIn * 1000],
        token: ({ accessToken, tokenType }) => ({ accessToken, tokenType }),
        throttledDetail(answer) {
          const d = detail(answer.json);
          return answer.status === 429 ? `${d}${d ? "; " : ""}60 token requests a minute allowed` : d;
        },
        // 415: the body was not JSON.
        badRequestStatuses: [400, 415],
        describe,
      },
      opts,
    );
  },

  describeApiError(status, bodyText) {
    const json = parseJson(bodyText);
    return status === 401
      ? `Inyo refused the token (401${detail(json) ? `, ${detail(json)}` : ""})`
      : describe(status, json);
  },
};
