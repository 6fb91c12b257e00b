// GET /api/v1/authorizations/{reference} – one authorization request with its timeline (api key, sellers:read)
import { requireApiKey } from "@/lib/auth/guard";
import { getAuthorizationForApi } from "@/lib/noon";
import { jsonAnswer } from "@/lib/api-v1/http";
import { authorizationSchema } from "@/lib/api-v1/schemas";
import { handleApiError } from "@/lib/http/api-error";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ reference: string }> }): Promise<Response> {
  try {
    await requireApiKey(request, "sellers:read");
    const { reference } = await context.params;
    return jsonAnswer(authorizationSchema, await getAuthorizationForApi(reference));
  } catch (error) {
    return handleApiError(error);
  }
}
