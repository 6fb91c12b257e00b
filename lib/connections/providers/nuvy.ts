import "server-only";
// Nuvy (docs/providers/nuvy-oauth2.txt): Basic auth, form body grant_type=client_credentials, QA and production hosts;
// answer {access_token, token_type, expires_in (s)}; 400 = missing/wrong grant_type, 401 = wrong credentials.
import { basicAuthorization, parseJson, requestToken } from "./common";
import { oauthErrorDetail, oauthTokenReading } from "./oauth2-errors";
import type { ProviderAdapter } from "./types";

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
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    if (cfg.scope) body.set("scope", cfg.scope);
    return requestToken(
      {
        provider: NAME,
        url: cfg.tokenUrl,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: basicAuthorization(cfg.clientId, clientSecret),
        },
        body: body.toString(),
        ...oauthTokenReading,
        throttledDetail: (answer) => oauthErrorDetail(answer.json),
        badRequestStatuses: [400],
        describe,
      },
      opts,
    );
  },

  describeApiError(status, bodyText) {
    const json = parseJson(bodyText);
    const d = oauthErrorDetail(json);
    if (status === 401) return `Nuvy refused the token (401${d ? `: ${d}` : ""})`;
    return describe(status, json);
  },
};
