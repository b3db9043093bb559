package store

// Statements of the idempotency repository (plain SQL on the tenant transaction).
const (
	idemDeleteStale = `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND (expires_at < now() OR (state = 'pending' AND created_at < now() - $3::interval))`
	idemInsert      = `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state, expires_at) VALUES ($1, $2, $3, 'pending', now() + $4::interval) ON CONFLICT DO NOTHING`
	idemSelect      = `SELECT fingerprint, state, status, headers, body FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`
	idemComplete    = `UPDATE idempotency_keys SET state = 'done', status = $1, headers = $2, body = $3 WHERE tenant_id = $4 AND key = $5`
	idemRelease     = `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND state = 'pending'`
	idemPurgeOn     = `SELECT set_config('learnd.purge', 'on', true)`
	idemPurge       = `DELETE FROM idempotency_keys WHERE expires_at < now()`
)
