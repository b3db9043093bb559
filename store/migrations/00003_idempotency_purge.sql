-- +goose Up
-- Expired idempotency keys may be deleted without a tenant in scope, so one periodic
-- statement can purge them for every tenant; live keys stay tenant-scoped.
CREATE POLICY purge_expired ON idempotency_keys FOR DELETE USING (expires_at < now());

-- +goose Down
DROP POLICY IF EXISTS purge_expired ON idempotency_keys;
