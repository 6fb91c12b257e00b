// Test support for the Noon flow (tests and bench/webhooks-driver.ts): an in-process Noon simulator, a seller
// with a link, and the browser steps (Connect, approve/decline on Noon, the callback) as real Requests
// handed to the route handlers' functions.
import { startNoonSimulator, type StartedNoonSimulator } from "@/simulators/noon/index";
import { keepOutput, rememberSecret } from "@/tests/support/secret-scan";
import { createOnboardingLink, createSeller } from "@/lib/sellers";
import { handleNoonCallback } from "@/lib/noon/callback";
import { NoonClient } from "@/lib/noon/client";
import { startSellerConnect } from "@/lib/noon/connect";
import type { NoonDeps, NoonSettings } from "@/lib/noon/deps";

export const APP = "http://localhost:3999";

export type Harness = {
  sim: StartedNoonSimulator;
  noon: NoonSettings;
  client: NoonClient;
  deps: (extra?: Partial<NoonDeps>) => NoonDeps;
  close(): Promise<void>;
};

export async function startHarness(opts: { timeoutMs?: number } = {}): Promise<Harness> {
  const sim = await startNoonSimulator({ redirectUri: `${APP}/api/noon/callback` });
  rememberSecret(sim.clientSecret);
  rememberSecret(sim.integratorKey.private_key);
  const noon: NoonSettings = {
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    authorizeUrl: sim.authorizeUrl,
    apiUrl: sim.url,
    integratorKey: { ...sim.integratorKey },
  };
  const client = new NoonClient({ ...noon, timeoutMs: opts.timeoutMs ?? 3_000 });
  // Warm up: the simulator makes its token-signing RSA key on the first token/create.
  const warmCode = sim.issueAuthorizationCode();
  rememberSecret(warmCode);
  const warm = await client.createToken(warmCode);
  if (!warm.ok) throw new Error(`Noon simulator warm-up failed: ${warm.error.message}`);
  rememberSecret(warm.data.accessToken);
  return {
    sim,
    noon,
    client,
    deps: (extra = {}) => ({ noon, client, ...extra }),
    close: async () => {
      rememberIssued(sim);
      await sim.close();
    },
  };
}

/** Registers every code, access token and key the simulator handed out, for the end-of-run scan. */
export function rememberIssued(sim: StartedNoonSimulator): void {
  for (const code of sim.state.codes.keys()) rememberSecret(code);
  for (const token of sim.state.accessTokens.keys()) rememberSecret(token);
  for (const key of sim.state.issuedKeys.values()) rememberSecret(key.privateKeyPem);
}

export async function sellerWithLink(name = `Seller ${Math.random().toString(36).slice(2, 8)}`) {
  const seller = await createSeller({ name });
  const link = await createOnboardingLink({ sellerId: seller.id, createdBy: "test" });
  return { seller, link };
}

/**
 * A client address for one simulated browser request (the last X-Forwarded-For entry, as Next's server
 * appends it): a fresh one each time unless a test means to exercise a per-address rate limit.
 */
export function testAddress(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

export async function keepResponse(name: string, response: Response): Promise<string> {
  const body = await response.clone().text();
  keepOutput(name, `${response.status}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${body}`);
  return body;
}

/** The seller-session cookie pair ("name=value") from a response's Set-Cookie. */
export function sessionCookieFrom(response: Response): string {
  const line = response.headers.getSetCookie().find((c) => c.includes("seller-session="));
  if (!line) throw new Error("no seller-session cookie set");
  return line.split(";", 1)[0] ?? "";
}

/** The seller clicks Connect Noon account on their onboarding page. */
export async function clickConnect(
  h: Harness,
  linkToken: string,
  opts: { cookie?: string; origin?: string | null; ip?: string } = {},
) {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "x-forwarded-for": opts.ip ?? testAddress(),
  };
  if (opts.origin !== null) headers.origin = opts.origin ?? APP;
  if (opts.cookie) headers.cookie = opts.cookie;
  const response = await startSellerConnect(
    new Request(`${APP}/api/noon/connect`, { method: "POST", headers, body: new URLSearchParams({ link: linkToken }) }),
    h.deps(),
  );
  await keepResponse("noon-connect", response);
  const location = response.headers.get("location") ?? "";
  const state = location ? new URL(location, APP).searchParams.get("state") : null;
  const hasCookie = response.headers.getSetCookie().some((c) => c.includes("seller-session="));
  return { response, location, state, cookie: hasCookie ? sessionCookieFrom(response) : "" };
}

/** "Try again" from a result page: the form carries no link, the browser's session names the seller. */
export async function clickTryAgain(h: Harness, cookie: string): Promise<Response> {
  return startSellerConnect(
    new Request(`${APP}/api/noon/connect`, {
      method: "POST",
      headers: {
        origin: APP,
        "content-type": "application/x-www-form-urlencoded",
        cookie,
        "x-forwarded-for": testAddress(),
      },
      body: "",
    }),
    h.deps(),
  );
}

/** Noon's redirect back to us, as the browser would send it. */
export async function callback(
  h: Harness,
  params: [string, string][],
  cookie: string | null,
  extra: Partial<NoonDeps> = {},
  ip = testAddress(),
) {
  const url = new URL(`${APP}/api/noon/callback`);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const headers: Record<string, string> = { "x-forwarded-for": ip };
  if (cookie) headers.cookie = cookie;
  const response = await handleNoonCallback(new Request(url, { headers }), h.deps(extra));
  const body = await keepResponse("noon-callback", response);
  return { response, body, location: response.headers.get("location") ?? "" };
}

/** Connect, then approve on the simulator: returns what the callback needs. */
export async function connectAndApprove(h: Harness, linkToken: string, opts: { projectCode?: string } = {}) {
  const started = await clickConnect(h, linkToken);
  if (!started.state) throw new Error(`connect did not redirect to Noon (${started.response.status})`);
  const code = h.sim.issueAuthorizationCode(opts.projectCode ? { projectCode: opts.projectCode } : {});
  rememberSecret(code);
  return { ...started, state: started.state, code };
}

/** Total calls the simulator received on the endpoints that cost something upstream. */
export function upstreamCalls(sim: StartedNoonSimulator): { login: number; create: number; exchange: number } {
  return {
    login: sim.counters.get("login").received,
    create: sim.counters.get("create").received,
    exchange: sim.counters.get("exchange").received,
  };
}

/** A successful authorization's timeline, in order. */
export const COMPLETED_TIMELINE = [
  "started",
  "callback_received",
  "token_created",
  "exchanged",
  "key_stored",
  "completed",
];
