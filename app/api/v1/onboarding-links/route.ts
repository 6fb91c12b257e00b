// POST /api/v1/onboarding-links – an internal service (API key, scope onboarding-links) creates or finds a seller and gets a fresh onboarding link
import { requireApiKey } from "@/lib/auth/guard";
import { createSellerWithLink } from "@/lib/sellers";
import { handleApiError } from "@/lib/http/api-error";
import { AppError } from "@/lib/errors";
import { jsonAnswer } from "@/lib/api-v1/http";
import { onboardingLinkBodySchema, onboardingLinkSchema } from "@/lib/api-v1/schemas";

export async function POST(request: Request): Promise<Response> {
  try {
    const apiKey = await requireApiKey(request, "onboarding-links");
    if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
      throw new AppError("BAD_REQUEST", "Send a JSON body with Content-Type: application/json.");
    }
    let json: unknown;
    try {
      json = await request.json();
    } catch {
      throw new AppError("BAD_REQUEST", "The request body is not valid JSON.");
    }
    const body = onboardingLinkBodySchema.parse(json);
    const link = await createSellerWithLink({
      seller: { name: body.name, email: body.email ?? null, externalId: body.externalId ?? null },
      by: { type: "api-key", id: apiKey.id, prefix: apiKey.prefix, ip: apiKey.ip },
      ...(body.locale ? { locale: body.locale } : {}),
    });
    return jsonAnswer(
      onboardingLinkSchema,
      { url: link.url, expiresAt: link.expiresAt.toISOString() },
      { status: 201 },
    );
  } catch (error) {
    return handleApiError(error);
  }
}
