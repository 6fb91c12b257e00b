-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "count" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "last_at" TIMESTAMPTZ(3),
ADD COLUMN     "tally_key" TEXT;

-- AlterTable
ALTER TABLE "noon_callback_rejections" ADD COLUMN     "count" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "last_at" TIMESTAMPTZ(3),
ADD COLUMN     "tally_key" TEXT;

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "rate_limits_expire_idx" ON "rate_limits"("expire");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_tally_key_key" ON "audit_events"("tally_key");

-- CreateIndex
CREATE UNIQUE INDEX "noon_callback_rejections_tally_key_key" ON "noon_callback_rejections"("tally_key");
