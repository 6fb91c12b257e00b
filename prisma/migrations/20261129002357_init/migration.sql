-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "noon_authorization_status" AS ENUM ('STARTED', 'DECLINED', 'REJECTED', 'FAILED', 'PENDING_KEY_STORAGE', 'COMPLETED', 'EXPIRED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "credential_status" AS ENUM ('PENDING_STORAGE', 'ACTIVE', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "staff_role" AS ENUM ('ADMIN', 'OPERATIONS', 'SUPPORT');

-- CreateEnum
CREATE TYPE "connection_provider" AS ENUM ('NOYO', 'INYO', 'NUVY', 'OAUTH2');

-- CreateEnum
CREATE TYPE "connection_environment" AS ENUM ('SANDBOX', 'PRODUCTION');

-- CreateTable
CREATE TABLE "sellers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "external_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sellers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "onboarding_links" (
    "id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "revoked_by" TEXT,
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "onboarding_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "noon_authorizations" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "seller_id" UUID NOT NULL,
    "status" "noon_authorization_status" NOT NULL DEFAULT 'STARTED',
    "state_hash" TEXT NOT NULL,
    "state_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "callback_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "project_code" TEXT,
    "oauth_request_id" TEXT,
    "failure_stage" TEXT,
    "failure_http_status" INTEGER,
    "failure_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "noon_authorizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "noon_authorization_events" (
    "id" BIGSERIAL NOT NULL,
    "authorization_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "stage" TEXT,
    "http_status" INTEGER,
    "message" TEXT,
    "details" JSONB,

    CONSTRAINT "noon_authorization_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "noon_callback_rejections" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "seller_id" UUID,
    "authorization_id" UUID,
    "ip" TEXT,

    CONSTRAINT "noon_callback_rejections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "seller_credentials" (
    "id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "authorization_id" UUID NOT NULL,
    "status" "credential_status" NOT NULL,
    "project_code" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "channel_identifier" TEXT,
    "issued_at" TIMESTAMPTZ(3),
    "secret_name" TEXT NOT NULL,
    "secret_arn" TEXT,
    "secret_version_id" TEXT,
    "stored_at" TIMESTAMPTZ(3),
    "superseded_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seller_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pending_secrets" (
    "id" UUID NOT NULL,
    "secret_name" TEXT NOT NULL,
    "sealed" BYTEA NOT NULL,
    "local_key_id" TEXT NOT NULL,
    "tags" JSONB,
    "authorization_id" UUID,
    "connection_id" UUID,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pending_secrets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "local_secrets" (
    "name" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "description" TEXT,
    "tags" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deletion_scheduled_for" TIMESTAMPTZ(3),

    CONSTRAINT "local_secrets_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "local_secret_versions" (
    "version_id" TEXT NOT NULL,
    "secret_name" TEXT NOT NULL,
    "sealed" BYTEA NOT NULL,
    "local_key_id" TEXT NOT NULL,
    "stages" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "local_secret_versions_pkey" PRIMARY KEY ("version_id")
);

-- CreateTable
CREATE TABLE "staff_users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "role" "staff_role" NOT NULL,
    "password_hash" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "session_version" INTEGER NOT NULL DEFAULT 0,
    "last_sign_in_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "staff_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sign_in_throttles" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "window_start" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "sign_in_throttles_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key_usage" (
    "api_key_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "scope" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "api_key_usage_pkey" PRIMARY KEY ("api_key_id","hour","scope")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_label" TEXT,
    "action" TEXT NOT NULL,
    "target_type" TEXT,
    "target_id" TEXT,
    "ip" TEXT,
    "outcome" TEXT NOT NULL DEFAULT 'success',
    "details" JSONB,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connections" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "provider" "connection_provider" NOT NULL,
    "environment" "connection_environment" NOT NULL,
    "token_url" TEXT NOT NULL,
    "api_base_url" TEXT,
    "client_id" TEXT NOT NULL,
    "scope" TEXT,
    "credentials_in" TEXT NOT NULL DEFAULT 'basic',
    "body_encoding" TEXT NOT NULL DEFAULT 'form',
    "secret_name" TEXT,
    "secret_version_id" TEXT,
    "secret_set_at" TIMESTAMPTZ(3),
    "secret_set_by" TEXT,
    "previous_secret_version_id" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_failure_at" TIMESTAMPTZ(3),
    "last_failure_message" TEXT,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "cooldown_until" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_tokens" (
    "connection_id" UUID NOT NULL,
    "sealed" BYTEA NOT NULL,
    "local_key_id" TEXT NOT NULL,
    "token_type" TEXT NOT NULL,
    "obtained_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connection_tokens_pkey" PRIMARY KEY ("connection_id")
);

-- CreateTable
CREATE TABLE "connection_events" (
    "id" BIGSERIAL NOT NULL,
    "connection_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "latency_ms" INTEGER,
    "http_status" INTEGER,
    "message" TEXT,
    "actor" TEXT,

    CONSTRAINT "connection_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_token_requests" (
    "id" BIGSERIAL NOT NULL,
    "connection_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_token_requests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sellers_external_id_key" ON "sellers"("external_id");

-- CreateIndex
CREATE INDEX "sellers_created_at_idx" ON "sellers"("created_at");

-- CreateIndex
CREATE INDEX "sellers_name_trgm_idx" ON "sellers" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "sellers_email_trgm_idx" ON "sellers" USING GIN ("email" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "onboarding_links_token_hash_key" ON "onboarding_links"("token_hash");

-- CreateIndex
CREATE INDEX "onboarding_links_seller_id_created_at_idx" ON "onboarding_links"("seller_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "noon_authorizations_reference_key" ON "noon_authorizations"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "noon_authorizations_state_hash_key" ON "noon_authorizations"("state_hash");

-- CreateIndex
CREATE INDEX "noon_authorizations_created_at_id_idx" ON "noon_authorizations"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "noon_authorizations_status_created_at_id_idx" ON "noon_authorizations"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "noon_authorizations_seller_id_created_at_idx" ON "noon_authorizations"("seller_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "noon_authorizations_seller_keyset_status_idx" ON "noon_authorizations"("seller_id", "created_at" DESC, "id" DESC, "status");

-- CreateIndex
CREATE INDEX "noon_authorizations_oauth_request_id_idx" ON "noon_authorizations"("oauth_request_id");

-- CreateIndex
CREATE INDEX "noon_authorizations_project_code_idx" ON "noon_authorizations"("project_code");

-- CreateIndex
CREATE INDEX "noon_authorization_events_authorization_id_id_idx" ON "noon_authorization_events"("authorization_id", "id");

-- CreateIndex
CREATE INDEX "noon_callback_rejections_at_idx" ON "noon_callback_rejections"("at");

-- CreateIndex
CREATE UNIQUE INDEX "seller_credentials_authorization_id_key" ON "seller_credentials"("authorization_id");

-- CreateIndex
CREATE INDEX "seller_credentials_seller_id_created_at_idx" ON "seller_credentials"("seller_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "pending_secrets_secret_name_key" ON "pending_secrets"("secret_name");

-- CreateIndex
CREATE UNIQUE INDEX "local_secrets_arn_key" ON "local_secrets"("arn");

-- CreateIndex
CREATE INDEX "local_secret_versions_secret_name_created_at_idx" ON "local_secret_versions"("secret_name", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_email_key" ON "staff_users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_actor_id_at_idx" ON "audit_events"("actor_id", "at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at" DESC);

-- CreateIndex
CREATE INDEX "audit_events_target_id_at_idx" ON "audit_events"("target_id", "at" DESC);

-- CreateIndex
CREATE INDEX "connection_events_connection_id_id_idx" ON "connection_events"("connection_id", "id");

-- CreateIndex
CREATE INDEX "connection_token_requests_connection_id_at_idx" ON "connection_token_requests"("connection_id", "at");

-- AddForeignKey
ALTER TABLE "onboarding_links" ADD CONSTRAINT "onboarding_links_seller_id_fkey" FOREIGN KEY ("seller_id") REFERENCES "sellers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "noon_authorizations" ADD CONSTRAINT "noon_authorizations_seller_id_fkey" FOREIGN KEY ("seller_id") REFERENCES "sellers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "noon_authorization_events" ADD CONSTRAINT "noon_authorization_events_authorization_id_fkey" FOREIGN KEY ("authorization_id") REFERENCES "noon_authorizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seller_credentials" ADD CONSTRAINT "seller_credentials_seller_id_fkey" FOREIGN KEY ("seller_id") REFERENCES "sellers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "seller_credentials" ADD CONSTRAINT "seller_credentials_authorization_id_fkey" FOREIGN KEY ("authorization_id") REFERENCES "noon_authorizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "local_secret_versions" ADD CONSTRAINT "local_secret_versions_secret_name_fkey" FOREIGN KEY ("secret_name") REFERENCES "local_secrets"("name") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key_usage" ADD CONSTRAINT "api_key_usage_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_tokens" ADD CONSTRAINT "connection_tokens_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_events" ADD CONSTRAINT "connection_events_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
