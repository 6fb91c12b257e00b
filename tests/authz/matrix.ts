// The authorization matrix: every admin page, every server action, every staff route handler and every
// /api/v1 route, with the outcome expected for each kind of caller. matrix.test.ts fails when a file
// on disk is missing here; e2e/staff-authz-matrix.spec.ts calls every cell against `next start`.
//
// Outcomes:  allow            the call got through the authorization check (any answer other than below)
//            signin           redirected to /admin/sign-in (pages)
//            unauthenticated  401, or an action answering code UNAUTHENTICATED
//            forbidden        403 (the 403 page), or an action answering code FORBIDDEN

export type Outcome = "allow" | "signin" | "unauthenticated" | "forbidden";
export const STAFF_CALLERS = ["anonymous", "support", "operations", "admin"] as const;
export const KEY_CALLERS = ["key:onboarding-links", "key:connection-tokens", "key:sellers:read"] as const;
export type StaffCaller = (typeof STAFF_CALLERS)[number];
export type Caller = StaffCaller | (typeof KEY_CALLERS)[number];

/** Placeholders in paths and form fields, filled by the spec with rows it seeds. */
export type Placeholder =
  | "{run}"
  | "{sellerId}"
  | "{connectionId}"
  | "{requestId}"
  | "{reference}"
  | "{staffId}"
  | "{linkId}"
  | "{apiKeyId}"
  | "{webhookId}"
  | "{deliveryId}"
  | "{random}";

export interface PageEntry {
  file: string;
  path: string;
  expect: Record<StaffCaller, Outcome>;
}

export interface ActionEntry {
  file: string;
  name: string;
  /** How the action is called: always (previousState, formData) (lib/http/action-request.ts). */
  args: "state+form";
  /** The previous state sent (what the form's useActionState starts with; null for a bound form). */
  initialState?: unknown;
  fields?: Record<string, string>;
  expect: Record<StaffCaller, Outcome>;
}

export interface RouteEntry {
  file: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  json?: unknown;
  expect: Record<Caller, Outcome>;
}

const read: Record<StaffCaller, Outcome> = {
  anonymous: "signin",
  support: "allow",
  operations: "allow",
  admin: "allow",
};
const manage: Record<StaffCaller, Outcome> = {
  anonymous: "signin",
  support: "forbidden",
  operations: "allow",
  admin: "allow",
};
const adminOnly: Record<StaffCaller, Outcome> = {
  anonymous: "signin",
  support: "forbidden",
  operations: "forbidden",
  admin: "allow",
};
const open: Record<StaffCaller, Outcome> = {
  anonymous: "allow",
  support: "allow",
  operations: "allow",
  admin: "allow",
};

export const PAGES: PageEntry[] = [
  { file: "app/admin/page.tsx", path: "/admin", expect: read },
  { file: "app/admin/sign-in/page.tsx", path: "/admin/sign-in", expect: open },
  { file: "app/admin/sign-in/set-password/page.tsx", path: "/admin/sign-in/set-password", expect: open },
  { file: "app/admin/account/password/page.tsx", path: "/admin/account/password", expect: read },
  { file: "app/admin/sellers/page.tsx", path: "/admin/sellers", expect: read },
  { file: "app/admin/sellers/[id]/page.tsx", path: "/admin/sellers/{sellerId}", expect: read },
  { file: "app/admin/requests/page.tsx", path: "/admin/requests", expect: read },
  { file: "app/admin/requests/[id]/page.tsx", path: "/admin/requests/{requestId}", expect: read },
  { file: "app/admin/connections/page.tsx", path: "/admin/connections", expect: read },
  { file: "app/admin/connections/new/page.tsx", path: "/admin/connections/new", expect: manage },
  { file: "app/admin/connections/[id]/page.tsx", path: "/admin/connections/{connectionId}", expect: read },
  { file: "app/admin/staff/page.tsx", path: "/admin/staff", expect: adminOnly },
  { file: "app/admin/api-keys/page.tsx", path: "/admin/api-keys", expect: adminOnly },
  { file: "app/admin/audit/page.tsx", path: "/admin/audit", expect: adminOnly },
  { file: "app/admin/webhooks/page.tsx", path: "/admin/webhooks", expect: adminOnly },
  { file: "app/admin/webhooks/[id]/page.tsx", path: "/admin/webhooks/{webhookId}", expect: adminOnly },
  {
    file: "app/admin/webhooks/[id]/deliveries/[deliveryId]/page.tsx",
    path: "/admin/webhooks/{webhookId}/deliveries/{deliveryId}",
    expect: adminOnly,
  },
];

const act = (o: Record<StaffCaller, Outcome>): Record<StaffCaller, Outcome> => ({
  ...o,
  anonymous: o.anonymous === "signin" ? "unauthenticated" : o.anonymous,
});
const IDLE = { status: "idle" };

export const ACTIONS: ActionEntry[] = [
  {
    file: "app/admin/sign-in/actions.ts",
    name: "signInAction",
    args: "state+form",
    initialState: { error: null, email: "" },
    fields: { email: "not-an-email", password: "not-the-password", callbackUrl: "/admin" },
    expect: open,
  },
  {
    file: "app/admin/sign-in/actions.ts",
    name: "signInWithSsoAction",
    args: "state+form",
    initialState: null,
    fields: { callbackUrl: "/admin" },
    expect: open,
  },
  {
    file: "app/admin/account/password/actions.ts",
    name: "changePasswordAction",
    args: "state+form",
    initialState: { error: null },
    fields: { current: "not-the-password", password: "x", confirm: "y" },
    expect: act(read),
  },
  {
    file: "app/admin/sign-in/set-password/actions.ts",
    name: "setPasswordAction",
    args: "state+form",
    initialState: { error: null },
    fields: { token: "invalid", password: "a-long-enough-password", confirm: "a-long-enough-password" },
    expect: open,
  },
  {
    file: "app/admin/sellers/actions.ts",
    name: "createSellerAction",
    args: "state+form",
    initialState: IDLE,
    fields: { name: "Matrix Seller {run} {random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/sellers/actions.ts",
    name: "issueLinkAction",
    args: "state+form",
    initialState: null,
    fields: { sellerId: "{sellerId}" },
    expect: act(manage),
  },
  {
    file: "app/admin/sellers/actions.ts",
    name: "revokeLinkAction",
    args: "state+form",
    initialState: null,
    fields: { linkId: "{linkId}" },
    expect: act(manage),
  },
  {
    file: "app/admin/staff/actions.ts",
    name: "inviteStaffAction",
    args: "state+form",
    initialState: IDLE,
    fields: { email: "matrix-{random}@e2e.test", role: "SUPPORT", name: "" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/staff/actions.ts",
    name: "changeRoleAction",
    args: "state+form",
    initialState: IDLE,
    fields: { staffId: "{staffId}", role: "SUPPORT" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/staff/actions.ts",
    name: "disableStaffAction",
    args: "state+form",
    initialState: IDLE,
    fields: { staffId: "{staffId}" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/staff/actions.ts",
    name: "enableStaffAction",
    args: "state+form",
    initialState: IDLE,
    fields: { staffId: "{staffId}" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/staff/actions.ts",
    name: "passwordLinkAction",
    args: "state+form",
    initialState: IDLE,
    fields: { staffId: "{staffId}", email: "x" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/api-keys/actions.ts",
    name: "createApiKeyAction",
    args: "state+form",
    initialState: IDLE,
    fields: { name: "matrix {random}", scopes: "onboarding-links" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/api-keys/actions.ts",
    name: "revokeApiKeyAction",
    args: "state+form",
    initialState: IDLE,
    fields: { apiKeyId: "{apiKeyId}" },
    expect: act(adminOnly),
  },
  // Connections: invalid input on purpose; the permission check comes first, then validation answers.
  {
    file: "app/admin/connections/actions.ts",
    name: "createConnectionAction",
    args: "state+form",
    initialState: IDLE,
    fields: { provider: "NONE" },
    expect: act(manage),
  },
  {
    file: "app/admin/connections/actions.ts",
    name: "updateConnectionAction",
    args: "state+form",
    initialState: IDLE,
    fields: { connectionId: "{random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/connections/actions.ts",
    name: "testConnectionAction",
    args: "state+form",
    initialState: IDLE,
    fields: { connectionId: "{random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/connections/actions.ts",
    name: "rotateSecretAction",
    args: "state+form",
    initialState: IDLE,
    fields: { connectionId: "{random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/connections/actions.ts",
    name: "confirmRotationAction",
    args: "state+form",
    initialState: IDLE,
    fields: { connectionId: "{random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/connections/actions.ts",
    name: "setDisabledAction",
    args: "state+form",
    initialState: IDLE,
    fields: { connectionId: "{random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/connections/actions.ts",
    name: "deleteConnectionAction",
    args: "state+form",
    initialState: IDLE,
    fields: { connectionId: "{random}" },
    expect: act(manage),
  },
  {
    file: "app/admin/credentials/actions.ts",
    name: "verifyCredentialAction",
    args: "state+form",
    initialState: IDLE,
    fields: { credentialId: "{random}" },
    expect: act(read),
  },
  // Webhooks (admins only): unknown ids or invalid input on purpose; the permission check comes first.
  {
    file: "app/admin/webhooks/actions.ts",
    name: "createEndpointAction",
    args: "state+form",
    initialState: IDLE,
    fields: { url: "not a url" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "updateEndpointAction",
    args: "state+form",
    initialState: IDLE,
    fields: { endpointId: "{webhookId}", url: "not a url" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "setEndpointEnabledAction",
    args: "state+form",
    initialState: IDLE,
    fields: { endpointId: "{webhookId}", enabled: "0" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "rotateSecretAction",
    args: "state+form",
    initialState: IDLE,
    fields: { endpointId: "{webhookId}", overlapHours: "24" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "deleteEndpointAction",
    args: "state+form",
    initialState: IDLE,
    fields: { endpointId: "{webhookId}", confirm: "delete" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "sendTestEventAction",
    args: "state+form",
    initialState: IDLE,
    fields: { endpointId: "{webhookId}" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "redeliverAction",
    args: "state+form",
    initialState: IDLE,
    fields: { deliveryId: "{deliveryId}" },
    expect: act(adminOnly),
  },
  {
    file: "app/admin/webhooks/actions.ts",
    name: "redeliverSinceAction",
    args: "state+form",
    initialState: IDLE,
    fields: { endpointId: "{webhookId}", since: "2026-01-01T00:00" },
    expect: act(adminOnly),
  },
  // Last: it ends the caller's session.
  { file: "app/admin/sign-in/actions.ts", name: "signOutAction", args: "state+form", initialState: null, expect: open },
];

const staffRoute: Record<Caller, Outcome> = {
  anonymous: "unauthenticated",
  support: "allow",
  operations: "allow",
  admin: "allow",
  "key:onboarding-links": "unauthenticated",
  "key:connection-tokens": "unauthenticated",
  "key:sellers:read": "unauthenticated",
};
// A staff session is not an API key: only a key holding the route's scope gets through.
const keyRoute = (scope: (typeof KEY_CALLERS)[number]): Record<Caller, Outcome> => ({
  anonymous: "unauthenticated",
  support: "unauthenticated",
  operations: "unauthenticated",
  admin: "unauthenticated",
  "key:onboarding-links": "forbidden",
  "key:connection-tokens": "forbidden",
  "key:sellers:read": "forbidden",
  [scope]: "allow",
});
const publicRoute: Record<Caller, Outcome> = {
  anonymous: "allow",
  support: "allow",
  operations: "allow",
  admin: "allow",
  "key:onboarding-links": "allow",
  "key:connection-tokens": "allow",
  "key:sellers:read": "allow",
};

export const ROUTES: RouteEntry[] = [
  {
    file: "app/api/v1/onboarding-links/route.ts",
    method: "POST",
    path: "/api/v1/onboarding-links",
    json: { name: "Matrix API Seller {random}" },
    expect: keyRoute("key:onboarding-links"),
  },
  {
    file: "app/api/v1/connections/[id]/token/route.ts",
    method: "GET",
    path: "/api/v1/connections/{connectionId}/token",
    expect: keyRoute("key:connection-tokens"),
  },
  {
    file: "app/api/v1/sellers/route.ts",
    method: "GET",
    path: "/api/v1/sellers?limit=5",
    expect: keyRoute("key:sellers:read"),
  },
  {
    file: "app/api/v1/sellers/[id]/route.ts",
    method: "GET",
    path: "/api/v1/sellers/{sellerId}",
    expect: keyRoute("key:sellers:read"),
  },
  {
    file: "app/api/v1/authorizations/[reference]/route.ts",
    method: "GET",
    path: "/api/v1/authorizations/{reference}",
    expect: keyRoute("key:sellers:read"),
  },
  { file: "app/api/v1/openapi.json/route.ts", method: "GET", path: "/api/v1/openapi.json", expect: publicRoute },
  {
    file: "app/api/admin/requests/[id]/progress/route.ts",
    method: "GET",
    path: "/api/admin/requests/{requestId}/progress",
    expect: staffRoute,
  },
  {
    file: "app/api/admin/requests/export/route.ts",
    method: "GET",
    path: "/api/admin/requests/export",
    expect: staffRoute,
  },
  {
    file: "app/api/admin/requests/updates/route.ts",
    method: "GET",
    path: "/api/admin/requests/updates",
    expect: staffRoute,
  },
];
