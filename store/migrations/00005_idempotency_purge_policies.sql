-- +goose Up
-- The purge's DELETE ... WHERE also needs a SELECT policy, and under FORCE ROW LEVEL
-- SECURITY the owner is bound by the policies too. Purging is allowed only inside a
-- transaction that set learnd.purge = 'on' (IdempotencyRepo.PurgeExpired; requests never
-- set it), and only for expired keys.
DROP POLICY IF EXISTS purge_expired ON idempotency_keys;
CREATE POLICY purge_select ON idempotency_keys FOR SELECT
  USING (current_setting('learnd.purge', true) = 'on' AND expires_at < now());
CREATE POLICY purge_delete ON idempotency_keys FOR DELETE
  USING (current_setting('learnd.purge', true) = 'on' AND expires_at < now());

-- +goose Down
DROP POLICY IF EXISTS purge_delete ON idempotency_keys;
DROP POLICY IF EXISTS purge_select ON idempotency_keys;
CREATE POLICY purge_expired ON idempotency_keys FOR DELETE USING (expires_at < now());
