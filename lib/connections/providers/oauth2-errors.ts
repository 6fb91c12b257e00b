import "server-only";
// RFC 6749 §5.2 error bodies ({error, error_description}), shared by Nuvy and the standard adapter.
import { z } from "zod";
import { clip, type TokenExchange } from "./common";

const oauthError = z
  .object({ error: z.string().optional(), error_description: z.string().optional(), message: z.string().optional() })
  .passthrough();

/** "invalid_client – description" from a §5.2 body (or an API gateway's {message}). */
export function oauthErrorDetail(json: unknown): string {
  const parsed = oauthError.safeParse(json);
  if (!parsed.success) return "";
  const { error, error_description, message } = parsed.data;
  if (error && error_description) return `${clip(error, 60)} – ${clip(error_description)}`;
  return clip(error ?? message ?? "");
}

export const oauthTokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
});

type OAuthTokenAnswer = z.infer<typeof oauthTokenAnswer>;

/** How Nuvy and the standard adapter read a §5.1 answer: `expires_in` in seconds, when given. */
export const oauthTokenReading: Pick<TokenExchange<OAuthTokenAnswer>, "answer" | "lifetimesMs" | "token"> = {
  answer: oauthTokenAnswer,
  lifetimesMs: ({ expires_in }) => [expires_in === undefined ? undefined : expires_in * 1000],
  token: ({ access_token, token_type }) => ({ accessToken: access_token, tokenType: token_type }),
};
