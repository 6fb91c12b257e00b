// GET /api/v1/openapi.json – the OpenAPI 3.1 document of /api/v1, generated from the routes' zod schemas (public)
import { config } from "@/lib/config/env";
import { openApiDocument } from "@/lib/api-v1/openapi";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  return Response.json(openApiDocument(config().appUrl), { headers: { "cache-control": "public, max-age=300" } });
}
