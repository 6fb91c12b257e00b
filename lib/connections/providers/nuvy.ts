import "server-only";
// Nuvy (nuvy-oauth2.txt): Basic auth, form body grant_type=client_credentials, QA and production hosts;
// answer {access_token, token_type, expires_in (s)}; 400 = missing/wrong grant_type, 401 = wrong credentials.
import { err, ok } from "@/lib/errors";
import { badAnswer, basicAuthorization, buildToken, send, throttledOrUnavailable } from "./common";
import { oauthErrorDetail, oauthTokenAnswer } from "./oauth2-errors";
import { ProviderError, type ProviderAdapter } from "./types";

const NAME = "Nuvy";

function describe(status: number, json: unknown): string {
  const d = oauthErrorDetail(json);
  const inner = d ? `${status}: ${d}` : `${status}`;
  if (status === 401) return `Nuvy rejected the credentials (${inner}): verify the client id and secret`;
  if (status === 400) return `Nuvy refused the token request (${inner}): the grant_type must be client_credentials`;
  if (status === 403) return `Nuvy refused access (${inner}): check the account's permissions`;
  return `Nuvy answered ${inner}`;
}

export const nuvyAdapter: ProviderAdapter = {
  id: "NUVY",
  label: NAME,

  async fetchToken(cfg, clientSecret, opts = {}) {
    const now = opts.now ?? Date.now;
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    if (cfg.scope) body.set("scope", cfg.scope);
    const sent = await send(
      NAME,
      cfg.tokenUrl,
      {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: basicAuthorization(cfg.clientId, clientSecret),
        },
        body: body.toString(),
      },
      opts,
    );
    if (!sent.ok) return sent;
    const answer = sent.data;
    if (answer.status >= 200 && answer.status < 300) {
      const parsed = oauthTokenAnswer.safeParse(answer.json);
      if (!parsed.success) return err(badAnswer(NAME, answer, parsed.error));
      const { access_token, token_type, expires_in } = parsed.data;
      return ok(buildToken(access_token, token_type, [expires_in === undefined ? undefined : expires_in * 1000], answer, now()));
    }
    const throttled = throttledOrUnavailable(NAME, answer, oauthErrorDetail(answer.json));
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
    const d = oauthErrorDetail(json);
    if (status === 401) return `Nuvy refused the token (401${d ? `: ${d}` : ""})`;
    return describe(status, json);
  },
};
