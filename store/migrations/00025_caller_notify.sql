-- +goose Up
-- Issue 10: every replica caches who a caller is (role, ban, licence, key liveness) and
-- forgets a tenant's entries when anything behind them changes: these triggers notify
-- channel learnd_callers with the tenant id on such a change, whoever makes it (learnd,
-- a script, psql). Notifications of one transaction are sent once, at commit.
-- +goose StatementBegin
CREATE FUNCTION learnd_notify_callers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'tenants' THEN
    PERFORM pg_notify('learnd_callers', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  ELSE
    PERFORM pg_notify('learnd_callers', CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END);
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER users_notify_callers AFTER INSERT OR DELETE OR UPDATE OF role, status ON users
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();
CREATE TRIGGER api_keys_notify_callers AFTER DELETE OR UPDATE OF revoked_at, expires_at, user_id ON api_keys
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();
CREATE TRIGGER tenants_notify_callers AFTER INSERT OR DELETE OR UPDATE OF tier, mcp_access, mcp_ai_access ON tenants
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();

-- +goose Down
DROP TRIGGER IF EXISTS tenants_notify_callers ON tenants;
DROP TRIGGER IF EXISTS api_keys_notify_callers ON api_keys;
DROP TRIGGER IF EXISTS users_notify_callers ON users;
DROP FUNCTION IF EXISTS learnd_notify_callers();
