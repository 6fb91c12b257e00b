import "server-only";
// Standard client credentials (RFC 6749 §4.4, docs/providers/generic-client-credentials.txt): the operator
// chooses the token URL, where the credentials go (Basic header per §2.3.1, or client_id/client_secret in the
// body) and the body encoding (form, as the RFC says, or JSON for servers that want it).
import { basicAuthorization, parseJson, requestToken } from "./common";
import { oauthErrorDetail, oauthTokenReading } from "./oauth2-errors";
import type { ProviderAdapter } from "./types";

const NAME = "The OAuth2 server";

function describe(status: number, json: unknown): string {
  const d = oauthErrorDetail(json);
  const inner = d ? `${status}: ${d}` : `${status}`;
  if (status === 401) return `The OAuth2 server rejected the credentials (${inner})`;
  if (status === 403) return `The OAuth2 server refused the client (${inner}): check its permissions and scope`;
  if (status === 400) {
    const hint = d.startsWith("invalid_scope")
      ? ": check the scope"
      : d.startsWith("unsupported_grant_type")
        ? ": the client may not use client_credentials"
        : "";
    return `The OAuth2 server refused the token request (${inner})${hint}`;
  }
  return `The OAuth2 server answered ${inner}`;
}

export const oauth2Adapter: ProviderAdapter = {
  id: "OAUTH2",
  label: "Standard OAuth2",

  async fetchToken(cfg, clientSecret, opts = {}) {
    const params: Record<string, string> = { grant_type: "client_credentials" };
    if (cfg.scope) params.scope = cfg.scope;
    const headers: Record<string, string> = {};
    if (cfg.credentialsIn === "basic") headers.authorization = basicAuthorization(cfg.clientId, clientSecret, true);
    else Object.assign(params, { client_id: cfg.clientId, client_secret: clientSecret });
    let body: string;
    if (cfg.bodyEncoding === "json") {
      headers["content-type"] = "application/json";
      body = JSON.stringify(params);
    } else {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(params).toString();
    }
    return requestToken(
      {
        provider: NAME,
        url: cfg.tokenUrl,
        headers,
        body,
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
    if (status === 401) return `The API refused the token (401${d ? `: ${d}` : ""})`;
    if (status === 403) return `The API refused access (403${d ? `: ${d}` : ""}): check the client's permissions`;
    return describe(status, json);
  },
};
