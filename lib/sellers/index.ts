// Sellers and onboarding links: the functions the CLI, the dashboard and the API call.
export { createSeller, getSellerSummary, sellerSummarySelect, type NewSeller, type SellerSummary } from "./sellers";
export {
  createOnboardingLink,
  resolveOnboardingLink,
  listSellerLinks,
  isOnboardingLinkActive,
  markSellerLinksUsed,
  onboardingLinkState,
  activeLinkWhere,
  hashLinkToken,
  onboardingUrl,
  DEFAULT_LINK_TTL_DAYS,
  type OnboardingLinkState,
  type OnboardingLinkSummary,
  type LinkRejection,
  type ResolvedLink,
} from "./links";
export { createSellerWithLink, issueSellerLink, revokeOnboardingLink, type IssuedLink, type LinkActor } from "./issue";
export { getSellerDetail, credentialSummarySelect, type CredentialSummary, type SellerDetail } from "./detail";
export { sellerConnectionState, hasConnectedNoonAccount, type SellerConnectionState } from "./connection";
export { listSellersForDashboard, sellerListParamsSchema, type SellerListItem } from "./list";
export { getSellerForApi, listSellersForApi } from "./api";
