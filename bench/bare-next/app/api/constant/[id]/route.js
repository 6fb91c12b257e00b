// GET /api/constant/{id} – the same constant behind a dynamic segment, the shape of the token route's path.
export const dynamic = "force-dynamic";

export async function GET(_request, context) {
  await context.params;
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
