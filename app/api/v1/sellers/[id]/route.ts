// GET /api/v1/sellers/{id} – one seller with its Noon credentials (by reference) and latest authorization (api key, sellers:read)
import { requireApiKey } from "@/lib/auth/guard";
import { getSellerForApi } from "@/lib/sellers";
import { jsonAnswer } from "@/lib/api-v1/http";
import { sellerSchema } from "@/lib/api-v1/schemas";
import { handleApiError } from "@/lib/http/api-error";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    await requireApiKey(request, "sellers:read");
    const { id } = await context.params;
    return jsonAnswer(sellerSchema, await getSellerForApi(id));
  } catch (error) {
    return handleApiError(error);
  }
}
