// Every action the audit trail records, by area. `recordAudit` takes only these; the audit page's action
// filter lists them from here.

export const AUDIT_ACTIONS = [
  "seller.created",
  "link.issued",
  "link.revoked",
  "credential.verified",
  "requests.exported",
  "staff.sign_in",
  "staff.sign_out",
  "staff.sso_bound",
  "staff.invited",
  "staff.created",
  "staff.enabled",
  "staff.disabled",
  "staff.role_changed",
  "staff.email_changed",
  "staff.password_link_issued",
  "staff.password_set",
  "staff.password_changed",
  "staff.password_change_failed",
  "authz.denied",
  "api_key.created",
  "api_key.revoked",
  "api_key.rejected",
  "api_key.denied",
  "connection.created",
  "connection.updated",
  "connection.enabled",
  "connection.disabled",
  "connection.deleted",
  "connection.tested",
  "connection.rotated",
  "connection.rotation_confirmed",
  "connection.rotation_failed",
  "webhook.created",
  "webhook.updated",
  "webhook.enabled",
  "webhook.disabled",
  "webhook.deleted",
  "webhook.secret_rotated",
  "webhook.redelivered",
  "webhook.test_sent",
] as const;

/** A dotted verb: the area, then what happened ("seller.created", "link.revoked", "staff.sign_in"). */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The areas (the part before the dot), for filtering by prefix ("staff." finds every staff action). */
export const AUDIT_ACTION_AREAS = [...new Set(AUDIT_ACTIONS.map((a) => a.slice(0, a.indexOf(".") + 1)))];
