// The Noon quickstart sample's two steps (bench/fixtures/noon-quickstart-express.mjs) as bare Next.js route
// handlers: bench/callback.bench.ts's floor, what Next.js itself adds to the sample's work. Same HTTP client
// (axios), same in-memory session (a random session id cookie → the state), same integrator login, nothing
// else. Kept on globalThis: Next bundles each route separately, and both routes share one session store.
import axios from "axios";
import { integratorLoginCookie } from "../../fixtures/integrator-login.mjs";

const shared = (globalThis.__quickstart ??= { sessions: new Map(), login: undefined });

export const sessions = shared.sessions;
export const BASE_URL = () => `${process.env.NOON_API_URL}/identity/oauth/v1`;
export const client = axios;

/** The integrator login the sample assumes, once per process: its session cookies go on every call. */
export function integratorCookie() {
  shared.login ??= integratorLoginCookie();
  return shared.login;
}
