-- +goose Up
-- Per-key options (issue 12 item 5), fixed when the key is created: read_only keys never
-- write (their callers hold no write scope); pseudonymise keys work only through learnd's
-- MCP endpoint, whose tool results show people under stable aliases. The callers' cache
-- carries both, so a change of either (by an operator) is announced like a revocation.
ALTER TABLE api_keys
  ADD COLUMN read_only boolean NOT NULL DEFAULT false,
  ADD COLUMN pseudonymise boolean NOT NULL DEFAULT false;
DROP TRIGGER api_keys_notify_callers ON api_keys;
CREATE TRIGGER api_keys_notify_callers AFTER DELETE OR UPDATE OF revoked_at, expires_at, user_id, read_only, pseudonymise ON api_keys
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();

-- +goose Down
DROP TRIGGER api_keys_notify_callers ON api_keys;
CREATE TRIGGER api_keys_notify_callers AFTER DELETE OR UPDATE OF revoked_at, expires_at, user_id ON api_keys
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();
ALTER TABLE api_keys DROP COLUMN read_only, DROP COLUMN pseudonymise;
