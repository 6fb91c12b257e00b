-- AlterTable
ALTER TABLE "onboarding_links" ADD COLUMN     "locale" VARCHAR(16);
