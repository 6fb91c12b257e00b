// GET /api/noon/callback – Noon's redirect back: checks the state, creates and exchanges the token, stores the key.
import { handleNoonCallback } from "@/lib/noon/callback";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handleNoonCallback(request);
}
