// GET /api/oauth/callback – the quickstart sample's callback: state checked, token/create, token/exchange.
import { BASE_URL, client, integratorCookie, sessions } from "../../../../lib/quickstart.js";

export const dynamic = "force-dynamic";

const headers = { "Content-Type": "application/json", "User-Agent": "YourApp/1.0" };

export async function GET(request) {
  const url = new URL(request.url);
  const sid = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
  const receivedState = url.searchParams.get("state");
  const storedState = sid ? sessions.get(sid) : undefined;
  if (!receivedState || receivedState !== storedState) {
    return new Response("Invalid state parameter - possible CSRF attack", { status: 400 });
  }
  sessions.delete(sid);
  const authCode = url.searchParams.get("code");
  if (!authCode) return new Response("No authorization code received", { status: 400 });
  try {
    const Cookie = await integratorCookie();
    const token = await client.post(
      `${BASE_URL()}/token/create`,
      {
        grant_type: "authorization_code",
        code: authCode,
        client_id: process.env.NOON_CLIENT_ID,
        client_secret: process.env.NOON_CLIENT_SECRET,
      },
      { headers: { ...headers, Cookie } },
    );
    await client.post(
      `${BASE_URL()}/token/exchange`,
      { access_token: token.data.access_token },
      { headers: { ...headers, Cookie } },
    );
    return new Response(`Successfully connected seller project: ${token.data.project_code}`);
  } catch (error) {
    return new Response(`Error: ${error.message}`, { status: 500 });
  }
}
