// GET /api/connect-seller – the quickstart sample's step 1: a state in the session, then off to Noon.
import { randomBytes } from "node:crypto";
import { sessions } from "../../../lib/quickstart.js";

export const dynamic = "force-dynamic";

export function GET() {
  const state = randomBytes(16).toString("hex");
  const sid = randomBytes(16).toString("hex");
  sessions.set(sid, state);
  const authUrl = `${process.env.NOON_AUTHORIZE_URL}?client_id=${process.env.NOON_CLIENT_ID}&state=${state}`;
  return new Response(null, {
    status: 302,
    headers: { location: authUrl, "set-cookie": `sid=${sid}; Path=/; HttpOnly` },
  });
}
