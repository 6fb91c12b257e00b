-- AlterTable
ALTER TABLE "onboarding_links" ADD COLUMN     "used_at" TIMESTAMPTZ(3);
