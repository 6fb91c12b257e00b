// A real OpenID Connect provider for the e2e run (panva's oidc-provider, certified), on a free loopback
// port: staff single sign-on is proven against it, not against a stand-in of our own. Its development
// login form takes any login, which names the account (the `sub`). Specs set each account's e-mail and
// whether it is verified through POST /__test/accounts before signing in.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export interface TestAccount {
  sub: string;
  email: string;
  email_verified: boolean;
}

export interface StartedOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export const OIDC_ACCOUNTS_PATH = "/__test/accounts";

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function isAccount(value: unknown): value is TestAccount {
  const v = value as Partial<TestAccount> | null;
  return !!v && typeof v.sub === "string" && typeof v.email === "string" && typeof v.email_verified === "boolean";
}

export async function startOidcProvider(opts: { redirectUri: string }): Promise<StartedOidcProvider> {
  const accounts = new Map<string, TestAccount>();
  const clientId = "seller-onboarding-e2e";
  const clientSecret = randomBytes(24).toString("base64url");
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    // A first-party client: consent is granted up front (the provider's documented recipe), so the
    // journey is the login form and back.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId ?? "");
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId ?? "",
        accountId: ctx.oidc.session?.accountId ?? "",
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, email: account.email, email_verified: account.email_verified }),
      };
    },
  });
  const handle = provider.callback();
  server.on("request", (request, response) => {
    if (request.url === OIDC_ACCOUNTS_PATH && request.method === "POST") {
      readJson(request).then(
        (body) => {
          if (!isAccount(body)) {
            response.writeHead(400).end("expected {sub, email, email_verified}");
            return;
          }
          accounts.set(body.sub, body);
          response.writeHead(204).end();
        },
        () => response.writeHead(400).end("invalid JSON"),
      );
      return;
    }
    handle(request, response);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
