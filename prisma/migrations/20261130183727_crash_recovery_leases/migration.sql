-- AlterTable
ALTER TABLE "connections" ADD COLUMN     "token_fence" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "token_lease_until" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "pending_secrets" ADD COLUMN     "lease_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "lease_owner" TEXT;

-- CreateIndex
CREATE INDEX "pending_secrets_next_attempt_at_idx" ON "pending_secrets"("next_attempt_at");

-- CreateIndex
CREATE INDEX "pending_secrets_authorization_id_idx" ON "pending_secrets"("authorization_id");
