// POST /api/v1/onboarding-links – an internal service (API key, scope onboarding-links) creates or finds a seller and gets a fresh onboarding link
import { requireApiKey } from "@/lib/auth/guard";
import { recordAudit } from "@/lib/audit/record";
import { createOnboardingLink, createSeller } from "@/lib/sellers";
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
    const actor = { type: "api-key" as const, id: apiKey.id, label: apiKey.prefix };
    const seller = await createSeller({
      name: body.name,
      email: body.email ?? null,
      externalId: body.externalId ?? null,
    });
    if (seller.created) {
      await recordAudit({
        actor,
        action: "seller.created",
        target: { type: "seller", id: seller.id },
        ip: apiKey.ip,
        details: { name: seller.name, externalId: seller.externalId },
      });
    }
    const link = await createOnboardingLink({
      sellerId: seller.id,
      createdBy: `api-key:${apiKey.id}`,
      ...(body.locale ? { locale: body.locale } : {}),
    });
    await recordAudit({
      actor,
      action: "link.issued",
      target: { type: "seller", id: seller.id },
      ip: apiKey.ip,
      details: {
        linkId: link.linkId,
        expiresAt: link.expiresAt.toISOString(),
        via: "api",
        ...(body.locale ? { locale: body.locale } : {}),
      },
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
