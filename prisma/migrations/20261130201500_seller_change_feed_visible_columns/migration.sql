-- The seller change feed (lib/api-v1/README.md) moves a seller only when something the read API shows
-- changes. Bookkeeping updates (the credential verification's leases and results, for one) no longer
-- stamp the seller: no feed noise, and no seller row lock taken while a credential row is held.
DROP TRIGGER noon_authorizations_touch_seller ON "noon_authorizations";
DROP TRIGGER seller_credentials_touch_seller ON "seller_credentials";

CREATE TRIGGER noon_authorizations_touch_seller AFTER INSERT ON "noon_authorizations"
  FOR EACH ROW EXECUTE FUNCTION sellers_touch_from_child();

CREATE TRIGGER noon_authorizations_touch_seller_on_change AFTER UPDATE ON "noon_authorizations"
  FOR EACH ROW
  WHEN ((OLD."seller_id", OLD."reference", OLD."status", OLD."created_at", OLD."updated_at", OLD."callback_at", OLD."completed_at",
         OLD."project_code", OLD."oauth_request_id", OLD."failure_stage", OLD."failure_http_status", OLD."failure_message")
        IS DISTINCT FROM
        (NEW."seller_id", NEW."reference", NEW."status", NEW."created_at", NEW."updated_at", NEW."callback_at", NEW."completed_at",
         NEW."project_code", NEW."oauth_request_id", NEW."failure_stage", NEW."failure_http_status", NEW."failure_message"))
  EXECUTE FUNCTION sellers_touch_from_child();

CREATE TRIGGER seller_credentials_touch_seller AFTER INSERT ON "seller_credentials"
  FOR EACH ROW EXECUTE FUNCTION sellers_touch_from_child();

CREATE TRIGGER seller_credentials_touch_seller_on_change AFTER UPDATE ON "seller_credentials"
  FOR EACH ROW
  WHEN ((OLD."seller_id", OLD."authorization_id", OLD."status", OLD."project_code", OLD."key_id", OLD."channel_identifier", OLD."issued_at",
         OLD."secret_name", OLD."secret_arn", OLD."secret_version_id", OLD."stored_at", OLD."superseded_at", OLD."created_at")
        IS DISTINCT FROM
        (NEW."seller_id", NEW."authorization_id", NEW."status", NEW."project_code", NEW."key_id", NEW."channel_identifier", NEW."issued_at",
         NEW."secret_name", NEW."secret_arn", NEW."secret_version_id", NEW."stored_at", NEW."superseded_at", NEW."created_at"))
  EXECUTE FUNCTION sellers_touch_from_child();
