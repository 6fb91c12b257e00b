import "server-only";
// Rate limits and tallies: one home for every limit of the app (policies.ts names them).
export {
  consumeRateLimit,
  consumeRateLimits,
  consumeLeasedRateLimit,
  consumeLeasedRateLimitNow,
  rateLimitExhaustedRecently,
  rateLimitExhaustedRecentlyNow,
  rateLimitExhausted,
  policyOf,
  addressKey,
  hashedKey,
  waitText,
  type RateLimitVerdict,
} from "./limiter";
export { RATE_LIMIT_POLICIES, type RateLimitPolicy, type RateLimitPolicyName } from "./policies";
export { tallyKey, tallyWindowStart, TALLY_WINDOW_MS } from "./tally";
