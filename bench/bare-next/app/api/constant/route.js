// GET /api/constant – the framework's own ceiling for bench/token.bench.ts: a route handler returning a constant.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
