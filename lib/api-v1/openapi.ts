// The OpenAPI 3.1 document of /api/v1 (served at GET /api/v1/openapi.json), built from the same zod
// schemas the route handlers parse their input and answers with (lib/api-v1/schemas.ts).
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import {
  authorizationPathSchema,
  authorizationSchema,
  connectionPathSchema,
  connectionTokenSchema,
  errorSchema,
  onboardingLinkBodySchema,
  onboardingLinkSchema,
  sellerListQuerySchema,
  sellerPageSchema,
  sellerPathSchema,
  sellerSchema,
} from "@/lib/api-v1/schemas";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });

const ERROR_TEXT: Record<number, string> = {
  400: "The request is not valid; the message says which part and why.",
  401: "No API key, or one that is unknown, revoked or expired.",
  403: "The API key lacks the scope, or may not use this connection.",
  404: "Not found.",
  409: "Token route: the connection is disabled or has no client secret yet. Sellers list: the cursor is ahead of the database (restored or moved): start a new sync.",
  429: "Too many requests: wait and retry.",
  502: "The provider refused; the message gives its explanation.",
  503: "The provider is unreachable or cooling down after failures: retry later.",
};

function errors(...statuses: number[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? "Error.", ...json(errorSchema) }]),
  );
}

function operation(scope: string, op: Omit<ZodOpenApiOperationObject, "security">): ZodOpenApiOperationObject {
  return {
    ...op,
    description: `${op.description ?? ""}\n\nRequires an API key with the \`${scope}\` scope.`.trim(),
    security: [{ apiKey: [] }],
    "x-required-scope": scope,
  };
}

/** The document, for the given public base URL of the app. */
export function openApiDocument(appUrl: string) {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Seller onboarding internal API",
      version: "1",
      description:
        "For the integrator's own services. Authenticate with `Authorization: Bearer <api key>` (keys are issued by an admin under API keys, each with scopes, optionally an expiry and a list of connections). Answers never contain a secret: credentials are given by their secret-store reference.",
    },
    servers: [{ url: appUrl }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key (sok_…) from the dashboard's API keys page.",
        },
      },
    },
    paths: {
      "/api/v1/onboarding-links": {
        post: operation("onboarding-links", {
          operationId: "createOnboardingLink",
          summary: "Create (or find, by externalId) a seller and get a fresh onboarding link",
          requestBody: { required: true, ...json(onboardingLinkBodySchema) },
          responses: {
            "201": { description: "The link (shown once).", ...json(onboardingLinkSchema) },
            ...errors(400, 401, 403),
          },
        }),
      },
      "/api/v1/connections/{id}/token": {
        get: operation("connection-tokens", {
          operationId: "getConnectionToken",
          summary: "A valid access token of one client-credentials connection",
          description:
            "Cached and refreshed by the service; one provider request per token lifetime. A key limited to named connections gets 403 for any other.",
          requestParams: { path: connectionPathSchema },
          responses: {
            "200": { description: "The token.", ...json(connectionTokenSchema) },
            ...errors(401, 403, 404, 409, 429, 502, 503),
          },
        }),
      },
      "/api/v1/sellers": {
        get: operation("sellers:read", {
          operationId: "listSellers",
          summary: "Sellers in the order they changed (a sync feed), or the one with an externalId",
          description:
            "Keyset pages in change order. To sync: start without a cursor (or with updatedSince), follow nextCursor while hasMore is true, keep the last nextCursor and call again with it later: you get every seller changed since, each at least once (a seller changed again appears again; its last appearance is its current state). A change by a transaction still running is held back until it ends, so none is skipped.",
          requestParams: { query: sellerListQuerySchema },
          responses: { "200": { description: "One page.", ...json(sellerPageSchema) }, ...errors(400, 401, 403, 409) },
        }),
      },
      "/api/v1/sellers/{id}": {
        get: operation("sellers:read", {
          operationId: "getSeller",
          summary: "One seller with its Noon credentials and latest authorization",
          requestParams: { path: sellerPathSchema },
          responses: { "200": { description: "The seller.", ...json(sellerSchema) }, ...errors(400, 401, 403, 404) },
        }),
      },
      "/api/v1/authorizations/{reference}": {
        get: operation("sellers:read", {
          operationId: "getAuthorization",
          summary: "One authorization request with its timeline",
          requestParams: { path: authorizationPathSchema },
          responses: {
            "200": { description: "The request.", ...json(authorizationSchema) },
            ...errors(400, 401, 403, 404),
          },
        }),
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          summary: "This document",
          security: [],
          responses: {
            "200": { description: "The OpenAPI 3.1 document.", ...json(z.record(z.string(), z.unknown())) },
          },
        },
      },
    },
  });
}
