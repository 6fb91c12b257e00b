-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "connection_ids" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "expires_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "sellers" ADD COLUMN     "change_xid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateIndex
CREATE INDEX "sellers_change_xid_id_idx" ON "sellers"("change_xid", "id");

-- The seller change feed (GET /api/v1/sellers, lib/sellers/api.ts): every change of a seller, of one of
-- its credentials or of one of its authorizations stamps the seller with the changing transaction's id
-- (change_xid) and moves its updated_at strictly forward. Readers only return rows whose transaction
-- ended before every still-running one began, so a change can be late but never skipped.
CREATE FUNCTION sellers_track_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := (pg_current_xact_id())::text::bigint;
  IF TG_OP = 'UPDATE' THEN
    NEW.updated_at := greatest(clock_timestamp(), OLD.updated_at + interval '1 millisecond');
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER sellers_track_change BEFORE INSERT OR UPDATE ON "sellers"
  FOR EACH ROW EXECUTE FUNCTION sellers_track_change();

CREATE FUNCTION sellers_touch_from_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "sellers" SET "updated_at" = "updated_at" WHERE "id" = NEW."seller_id";
  RETURN NULL;
END $$;

CREATE TRIGGER noon_authorizations_touch_seller AFTER INSERT OR UPDATE ON "noon_authorizations"
  FOR EACH ROW EXECUTE FUNCTION sellers_touch_from_child();

CREATE TRIGGER seller_credentials_touch_seller AFTER INSERT OR UPDATE ON "seller_credentials"
  FOR EACH ROW EXECUTE FUNCTION sellers_touch_from_child();

-- updatedSince: the oldest change_xid among sellers changed since an instant, read from the index alone.
CREATE INDEX "sellers_updated_at_change_xid_idx" ON "sellers"("updated_at", "change_xid");
