// Columns that hold hashes or sealed values (and a few internal ones) never leave a query unless asked for by name. Shared by
// the app's Prisma client (lib/db/client.ts) and the test clients made like it, so they cannot drift.
export const OMIT_SECRET_COLUMNS = {
  staffUser: { passwordHash: true },
  apiKey: { keyHash: true },
  onboardingLink: { tokenHash: true },
  noonAuthorization: { stateHash: true },
  pendingSecret: { sealed: true },
  localSecretVersion: { sealed: true },
  connectionToken: { sealed: true },
  // Not secret, but internal to the token lease (lib/connections/token-lease.ts), and a BigInt no page or
  // JSON answer could carry.
  connection: { tokenFence: true, tokenLeaseUntil: true },
} as const;
