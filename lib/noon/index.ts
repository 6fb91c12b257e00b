// The Noon seller-authorization flow. Start at connect.ts (the button) and callback.ts (Noon's redirect).
export { startSellerConnect, authorizationUrl } from "./connect";
export { handleNoonCallback, resultPath, type CallbackRejection } from "./callback";
export { NoonClient, NOON_USER_AGENT, type NoonCallFailure, type NoonResult, type NoonStage } from "./client";
export {
  startAuthorization,
  expireStaleAuthorizations,
  completeWithStoredKey,
  recordEvent,
  hashState,
  newAuthorizationReference,
  REFERENCE_PATTERN,
  STATE_TTL_MS,
  CALLBACK_DEADLINE_MS,
  type AuthorizationEventType,
} from "./authorizations";
export { getAuthorizationForApi } from "./api";
export {
  sellerConnectionStatus,
  authorizationResult,
  type SellerConnectionStatus,
  type AuthorizationResultView,
} from "./status";
export { readSellerSession, readSellerSessionFromCookies, sellerSessionCookieName } from "./session";
export type { NoonDeps } from "./deps";
