import "server-only";
// Inyo (inyo-authentication.txt): POST /oauth/token with JSON {clientId, secretId}; camelCase answer
// {accessToken, tokenType, expiresIn (s)}; 401 {status, message, responseCode: "SE_001"};
// the token endpoint allows 60 requests a minute (429 past it: back off with jitter).
import { z } from "zod";
import { err, ok } from "@/lib/errors";
import { badAnswer, buildToken, clip, send, throttledOrUnavailable } from "./common";
import { ProviderError, type ProviderAdapter } from "./types";

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
    const now = opts.now ?? Date.now;
    const sent = await send(
      NAME,
      cfg.tokenUrl,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientId: cfg.clientId, secretId: clientSecret }),
      },
      opts,
    );
    if (!sent.ok) return sent;
    const answer = sent.data;
    if (answer.status >= 200 && answer.status < 300) {
      const parsed = tokenAnswer.safeParse(answer.json);
      if (!parsed.success) return err(badAnswer(NAME, answer, parsed.error));
      const { accessToken, tokenType, expiresIn } = parsed.data;
      return ok(buildToken(accessToken, tokenType, [expiresIn * 1000], answer, now()));
    }
    const d = detail(answer.json);
    const throttled = throttledOrUnavailable(NAME, answer, answer.status === 429 ? `${d}${d ? "; " : ""}60 token requests a minute allowed` : d);
    if (throttled) return err(throttled);
    const kind = answer.status === 401 ? "credentials" : answer.status === 403 ? "forbidden" : answer.status === 400 || answer.status === 415 ? "bad-request" : "unexpected";
    return err(new ProviderError(kind, describe(answer.status, answer.json), { httpStatus: answer.status }));
  },

  describeApiError(status, bodyText) {
    let json: unknown;
    try {
      json = JSON.parse(bodyText);
    } catch {
      json = undefined;
    }
    return status === 401 ? `Inyo refused the token (401${detail(json) ? `, ${detail(json)}` : ""})` : describe(status, json);
  },
};
