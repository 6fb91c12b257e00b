// GET /api/admin/requests/updates – how many requests matching the list's filters arrived after `since` (a list cursor), capped at 100; staff with "read".
import { requireActionPermission } from "@/lib/auth/guard";
import { handleApiError } from "@/lib/http/api-error";
import { parseListParams, toListOptions } from "@/lib/support/filters";
import { countNewerAuthorizations } from "@/lib/support/queries";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    await requireActionPermission("read");
    const url = new URL(request.url);
    const since = url.searchParams.get("since") ?? "";
    const options = toListOptions(parseListParams(url.searchParams));
    const newCount = since ? await countNewerAuthorizations({ filters: options, sinceCursor: since, cap: 100 }) : 0;
    return Response.json({ newCount }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return handleApiError(error);
  }
}
