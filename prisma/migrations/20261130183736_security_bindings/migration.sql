-- AlterTable
ALTER TABLE "connections" ADD COLUMN     "secret_api_origin" TEXT,
ADD COLUMN     "secret_token_origin" TEXT;

-- AlterTable
ALTER TABLE "sign_in_throttles" DROP COLUMN "failures",
DROP COLUMN "locked_until",
DROP COLUMN "window_start",
ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "blocked_until" TIMESTAMPTZ(3),
ADD COLUMN     "last_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "staff_users" ADD COLUMN     "password_change_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sso_issuer" TEXT,
ADD COLUMN     "sso_subject" TEXT;

-- CreateTable
CREATE TABLE "revoked_sessions" (
    "id" TEXT NOT NULL,
    "staff_id" UUID NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "revoked_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "revoked_sessions_expires_at_idx" ON "revoked_sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_sso_issuer_sso_subject_key" ON "staff_users"("sso_issuer", "sso_subject");

-- Existing secrets stay usable where they are: bound to the origins the connection uses today.
UPDATE "connections"
SET "secret_token_origin" = lower(substring("token_url" from '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+')),
    "secret_api_origin" = lower(substring("api_base_url" from '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+'))
WHERE "secret_name" IS NOT NULL;
