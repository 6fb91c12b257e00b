// GET /api/v1/connections/{id}/token – a valid access token of one client-credentials connection (api key, connection-tokens scope)
import { requireApiKey } from "@/lib/auth/guard";
import { issueConnectionToken } from "@/lib/connections/api";
import { handleApiError } from "@/lib/http/api-error";
import { keyAllowsConnection, refuseUnlistedConnection } from "@/lib/api-keys/limits";
import type { connectionTokenSchema } from "@/lib/api-v1/schemas";
import type { z } from "zod";

export const dynamic = "force-dynamic";

// A token must never sit in a shared cache or the browser's.
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    // The guard counts every call per key per hour (api_key_usage); the token itself is never recorded.
    const apiKey = await requireApiKey(request, "connection-tokens");
    const { id } = await context.params;
    if (!keyAllowsConnection(apiKey, id)) await refuseUnlistedConnection(apiKey, id);
    // Our own answer: the documented shape by type, not parsed again (lib/api-v1/openapi.test.ts checks it).
    const token: z.output<typeof connectionTokenSchema> = await issueConnectionToken(id);
    return Response.json(token, { headers: NO_STORE });
  } catch (error) {
    const response = handleApiError(error);
    for (const [name, value] of Object.entries(NO_STORE)) response.headers.set(name, value);
    return response;
  }
}
