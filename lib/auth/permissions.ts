// Who may do what. Checked on the server in every page, server action and route handler.
export type Role = "ADMIN" | "OPERATIONS" | "SUPPORT";

export const ROLES: readonly Role[] = ["ADMIN", "OPERATIONS", "SUPPORT"];

export const PERMISSIONS = {
  /** Read sellers, authorization requests, timelines, connection health. */
  read: ["ADMIN", "OPERATIONS", "SUPPORT"],
  /** Check a seller's stored Noon key with Noon (reads the key inside the server only; changes no key). */
  verifyCredentials: ["ADMIN", "OPERATIONS", "SUPPORT"],
  /** Create sellers, issue and revoke onboarding links. */
  manageSellers: ["ADMIN", "OPERATIONS"],
  /** Create, edit, test, rotate, disable, delete client-credentials connections. */
  manageConnections: ["ADMIN", "OPERATIONS"],
  /** Staff users and API keys. */
  manageStaff: ["ADMIN"],
  manageApiKeys: ["ADMIN"],
  /** Webhook endpoints, their secrets and deliveries. */
  manageWebhooks: ["ADMIN"],
  readAudit: ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const API_KEY_SCOPES = ["onboarding-links", "connection-tokens", "sellers:read"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
