-- CreateEnum
CREATE TYPE "credential_verification_result" AS ENUM ('OK', 'REJECTED', 'UNREACHABLE', 'MISSING');

-- AlterTable
ALTER TABLE "seller_credentials" ADD COLUMN     "last_verification_message" TEXT,
ADD COLUMN     "last_verification_result" "credential_verification_result",
ADD COLUMN     "last_verification_status" INTEGER,
ADD COLUMN     "last_verified_at" TIMESTAMPTZ(3),
ADD COLUMN     "needs_reconnect_at" TIMESTAMPTZ(3),
ADD COLUMN     "next_verification_at" TIMESTAMPTZ(3),
ADD COLUMN     "verification_failures" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "noon_verification_windows" (
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "noon_verification_windows_pkey" PRIMARY KEY ("window_start")
);

-- CreateIndex
CREATE INDEX "seller_credentials_status_next_verification_at_idx" ON "seller_credentials"("status", "next_verification_at");
