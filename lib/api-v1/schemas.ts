// The /api/v1 contract: request and answer schemas the route handlers parse with, and from which
// lib/api-v1/openapi.ts builds the OpenAPI document. One source of truth: change a shape here.
import { z } from "zod";
import "zod-openapi";
import { LOCALES } from "@/lib/i18n/locales";

const instant = (description: string) => z.iso.datetime().meta({ description, example: "2026-11-30T12:00:00.000Z" });
const nullableInstant = (description: string) => instant(description).nullable();

// ───────────────────────── Errors ─────────────────────────

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum([
        "BAD_REQUEST",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "NOT_FOUND",
        "CONFLICT",
        "RATE_LIMITED",
        "UPSTREAM",
        "UNAVAILABLE",
        "INTERNAL",
      ]),
      message: z.string().meta({ description: "What happened and what to do, for people." }),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: "Invalid fields of a request body." }),
    }),
  })
  .meta({ id: "Error", description: "Every 4xx and 5xx answer." });

// ───────────────────────── Sellers ─────────────────────────

export const AUTHORIZATION_STATUSES = [
  "started",
  "declined",
  "rejected",
  "failed",
  "pending_key_storage",
  "completed",
  "expired",
  "superseded",
] as const;
export const CREDENTIAL_STATUSES = ["active", "pending_storage", "superseded"] as const;

export const credentialSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(CREDENTIAL_STATUSES).meta({
      description:
        "active: the key to use; pending_storage: received, waiting for the secret store; superseded: replaced by a newer connection.",
    }),
    projectCode: z.string().meta({ description: "Noon project code." }),
    keyId: z.string().meta({ description: "Noon key_id of the service-account key." }),
    channelIdentifier: z.string().nullable(),
    issuedAt: nullableInstant("When Noon issued the key."),
    createdAt: instant("When the key was received."),
    storedAt: nullableInstant("When the key reached the secret store (null while pending)."),
    supersededAt: nullableInstant("When a newer connection replaced it."),
    authorizationReference: z
      .string()
      .meta({ description: "The authorization that produced this key.", example: "NA-7K3Q9XWD" }),
    secret: z
      .object({
        name: z.string().meta({ example: "seller-onboarding/noon/sellers/PRJ123/key-1" }),
        arn: z.string().nullable().meta({ description: "Null while the key waits for storage." }),
        versionId: z.string().nullable(),
      })
      .meta({ description: "Where the key lives in the secret store. The key itself is never in an answer." }),
  })
  .meta({ id: "Credential", description: "A seller's Noon service-account key, by reference." });

export const failureSchema = z
  .object({
    stage: z.string().nullable().meta({ description: "login, token_create, token_exchange, key_storage or internal." }),
    httpStatus: z.number().int().nullable().meta({ description: "Noon's HTTP status at that stage, if any." }),
    message: z.string().nullable(),
  })
  .meta({ id: "AuthorizationFailure" });

const authorizationFields = {
  reference: z.string().meta({ example: "NA-7K3Q9XWD" }),
  status: z.enum(AUTHORIZATION_STATUSES),
  createdAt: instant("When the seller clicked Connect."),
  updatedAt: instant("Last change of the request."),
  callbackAt: nullableInstant("When Noon sent the seller back."),
  completedAt: nullableInstant("When the request ended: key stored, declined or failed."),
  projectCode: z.string().nullable(),
  oauthRequestId: z.string().nullable().meta({ description: "Noon's oauth_request_id of the exchange." }),
  failure: failureSchema.nullable().meta({ description: "Set when status is failed." }),
};

export const authorizationSummarySchema = z.object(authorizationFields).meta({ id: "AuthorizationSummary" });

export const sellerSchema = z
  .object({
    id: z.uuid().meta({ description: "The seller's id in this service." }),
    externalId: z.string().nullable().meta({ description: "Your id for the seller, if given when it was created." }),
    name: z.string(),
    email: z.string().nullable(),
    createdAt: instant("When the seller was created."),
    updatedAt: instant("Moves forward on every change of the seller, its credentials or its authorizations."),
    connected: z.boolean().meta({ description: "True when the seller has an active credential." }),
    currentCredential: credentialSchema.nullable().meta({ description: "The active key, or null." }),
    pendingCredential: credentialSchema
      .nullable()
      .meta({ description: "A newer key waiting for the secret store, or null." }),
    supersededCredentials: z.array(credentialSchema).meta({ description: "Earlier keys, newest first." }),
    latestAuthorization: authorizationSummarySchema
      .nullable()
      .meta({ description: "The newest authorization request, or null." }),
  })
  .meta({ id: "Seller" });

export const sellerPageSchema = z
  .object({
    data: z.array(sellerSchema),
    nextCursor: z.string().meta({
      description:
        "Pass as `cursor` to continue. Keep it even when hasMore is false: calling again with it later returns only the sellers changed since.",
    }),
    hasMore: z.boolean().meta({ description: "True when more changed sellers can be read at once with nextCursor." }),
  })
  .meta({ id: "SellerPage" });

export const sellerPathSchema = z.object({
  id: z.string().meta({ description: "The seller's id (a UUID).", example: "019a5f0e-8d1c-7b2a-9f3e-2c4d5e6f7a8b" }),
});

export const SELLERS_PAGE_MAX = 200;

export const sellerListQuerySchema = z
  .object({
    externalId: z
      .string()
      .trim()
      .min(1, "externalId must not be empty.")
      .max(200, "externalId is at most 200 characters.")
      .optional()
      .meta({ description: "Only the seller with this external id." }),
    updatedSince: z.iso
      .datetime({
        offset: true,
        error: "updatedSince must be an ISO 8601 date-time with a time zone, e.g. 2026-11-30T12:00:00Z.",
      })
      .optional()
      .meta({
        description: "Only sellers changed at or after this instant (starts a sync; follow nextCursor from there).",
      }),
    cursor: z
      .string()
      .min(1, "cursor must not be empty: leave it out to start from the beginning.")
      .max(500, "cursor is too long: pass nextCursor exactly as it was given.")
      .optional()
      .meta({ description: "nextCursor of the previous page." }),
    limit: z.coerce
      .number({ error: "limit must be a whole number from 1 to 200." })
      .int("limit must be a whole number from 1 to 200.")
      .min(1, "limit must be a whole number from 1 to 200.")
      .max(SELLERS_PAGE_MAX, "limit must be a whole number from 1 to 200.")
      .default(50)
      .meta({ description: "Sellers per page (1–200)." }),
  })
  .strict();

// ───────────────────────── Authorizations ─────────────────────────

export const timelineEventSchema = z
  .object({
    type: z.string().meta({
      description:
        "started, callback_received, rejected, declined, token_created, exchanged, key_stored, key_pending_storage, completed, failed, expired or superseded.",
    }),
    at: instant("When it happened."),
    stage: z.string().nullable(),
    httpStatus: z.number().int().nullable(),
    message: z.string().nullable(),
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: "Non-secret facts of this step; keys vary by type." }),
  })
  .meta({ id: "TimelineEvent" });

export const authorizationSchema = z
  .object({
    ...authorizationFields,
    seller: z.object({ id: z.uuid(), externalId: z.string().nullable(), name: z.string() }),
    credential: credentialSchema.nullable().meta({ description: "The key this request produced, if any." }),
    timeline: z.array(timelineEventSchema).meta({ description: "Every step, oldest first." }),
  })
  .meta({ id: "Authorization" });

export const authorizationPathSchema = z.object({
  reference: z.string().meta({ description: "The request's reference.", example: "NA-7K3Q9XWD" }),
});

// ───────────────────────── Existing routes ─────────────────────────

export const onboardingLinkBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z.string().trim().email().max(254).optional(),
    externalId: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "Your id for the seller: a second call with it finds the same seller." }),
    locale: z.enum(LOCALES).optional().meta({
      description:
        "The seller's language: the link's pages open in it (the seller can still switch). Omitted: the language of the seller's latest link, if any, otherwise the browser's.",
      example: "ar",
    }),
  })
  .strict()
  .meta({ id: "OnboardingLinkRequest" });

export const onboardingLinkSchema = z
  .object({
    url: z.url().meta({ description: "The seller's onboarding link (shown once; only its hash is kept)." }),
    expiresAt: instant("When the link stops working."),
  })
  .meta({ id: "OnboardingLink" });

export const connectionPathSchema = z.object({ id: z.string().meta({ description: "The connection's id (a UUID)." }) });

export const connectionTokenSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.string().meta({ example: "Bearer" }),
    expiresAt: instant("When the token stops working."),
  })
  .meta({ id: "ConnectionToken" });

export type SellerView = z.output<typeof sellerSchema>;
export type SellerPage = z.output<typeof sellerPageSchema>;
export type CredentialView = z.output<typeof credentialSchema>;
export type AuthorizationSummaryView = z.output<typeof authorizationSummarySchema>;
export type AuthorizationView = z.output<typeof authorizationSchema>;
export type SellerListQuery = z.output<typeof sellerListQuerySchema>;
