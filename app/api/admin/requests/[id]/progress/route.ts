// GET /api/admin/requests/{id}/progress – status, event count and last change of one request, polled by its page while in progress; staff with "read".
import { requireActionPermission } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors";
import { handleApiError } from "@/lib/http/api-error";
import { getAuthorizationProgress } from "@/lib/support/queries";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    await requireActionPermission("read");
    const { id } = await context.params;
    const progress = await getAuthorizationProgress(id);
    if (!progress) throw new AppError("NOT_FOUND", "There is no such request.");
    return Response.json(progress, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return handleApiError(error);
  }
}
