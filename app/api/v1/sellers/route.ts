// GET /api/v1/sellers – sellers in change order (keyset pages, updatedSince, externalId) for a backend's sync (api key, sellers:read)
import { requireApiKey } from "@/lib/auth/guard";
import { listSellersForApi } from "@/lib/sellers";
import { jsonAnswer, parseQuery } from "@/lib/api-v1/http";
import { sellerListQuerySchema, sellerPageSchema } from "@/lib/api-v1/schemas";
import { handleApiError } from "@/lib/http/api-error";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    await requireApiKey(request, "sellers:read");
    const query = parseQuery(new URL(request.url), sellerListQuerySchema);
    return jsonAnswer(sellerPageSchema, await listSellersForApi(query));
  } catch (error) {
    return handleApiError(error);
  }
}
