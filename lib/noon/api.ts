import "server-only";
// What GET /api/v1/authorizations/{reference} answers: one request, its key by reference, its timeline.
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { AuthorizationView } from "@/lib/api-v1/schemas";
import { authorizationSelect, authorizationSummaryView, credentialSelect, credentialView } from "@/lib/api-v1/views";
import { REFERENCE_PATTERN } from "./authorizations";

const isRecord = (v: Prisma.JsonValue | null): v is Prisma.JsonObject =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** One authorization by its reference (case-insensitive); 400 for a malformed one, 404 for an unknown one. */
export async function getAuthorizationForApi(reference: string): Promise<AuthorizationView> {
  const wanted = reference.trim().toUpperCase();
  if (!REFERENCE_PATTERN.test(wanted))
    throw new AppError("BAD_REQUEST", "A reference looks like NA-7K3Q9XWD (NA- and 8 letters or digits).");
  const row = await db().noonAuthorization.findUnique({
    where: { reference: wanted },
    select: {
      ...authorizationSelect,
      seller: { select: { id: true, externalId: true, name: true } },
      credential: { select: credentialSelect },
      events: {
        orderBy: { id: "asc" },
        select: { type: true, at: true, stage: true, httpStatus: true, message: true, details: true },
      },
    },
  });
  if (!row) throw new AppError("NOT_FOUND", `No authorization has the reference ${wanted}.`);
  return {
    ...authorizationSummaryView(row),
    seller: row.seller,
    credential: row.credential ? credentialView(row.credential) : null,
    timeline: row.events.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      stage: e.stage,
      httpStatus: e.httpStatus,
      message: e.message,
      details: isRecord(e.details) ? e.details : null,
    })),
  };
}
