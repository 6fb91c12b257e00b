// Sellers and onboarding links: the functions the CLI, the dashboard and the API call.
export {
  createSeller,
  createOnboardingLink,
  resolveOnboardingLink,
  revokeOnboardingLink,
  listSellerLinks,
  isOnboardingLinkActive,
  markSellerLinksUsed,
  onboardingLinkState,
  hashLinkToken,
  onboardingUrl,
  DEFAULT_LINK_TTL_DAYS,
  type SellerSummary,
  type OnboardingLinkSummary,
  type LinkRejection,
  type ResolvedLink,
} from "./links";
export { getSellerForApi, listSellersForApi } from "./api";
