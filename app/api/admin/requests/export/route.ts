// GET /api/admin/requests/export – the filtered requests list as CSV (same URL filters as /admin/requests), streamed; staff with "read".
import { requireActionPermission } from "@/lib/auth/guard";
import { recordAudit } from "@/lib/audit/record";
import { handleApiError } from "@/lib/http/api-error";
import { parseListParams, toListOptions } from "@/lib/support/filters";
import { exportAuthorizationsCsv } from "@/lib/support/queries";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  try {
    const staff = await requireActionPermission("read");
    const params = parseListParams(new URL(request.url).searchParams);
    const options = toListOptions(params);
    await recordAudit({
      actor: { type: "staff", id: staff.id, label: staff.email },
      action: "requests.exported",
      ip: staff.ip,
      details: {
        status: params.status ?? null,
        from: params.from ?? null,
        to: params.to ?? null,
        seller: params.seller ?? null,
        q: params.q ?? null,
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
    return new Response(exportAuthorizationsCsv(options, params.sort), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="noon-requests-${stamp}.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return handleApiError(error);
  }
}
