// POST /api/noon/connect – starts one seller authorization: 303 to Noon's authorization page.
import { startSellerConnect } from "@/lib/noon/connect";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  return startSellerConnect(request);
}
