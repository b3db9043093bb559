package store

// Statements of the idempotency repository (plain SQL on the tenant transaction).
const (
	// expires_at is when a pending claim lapses (its request is over, whatever happened to
	// it) and, once done, when the stored response is forgotten.
	idemDeleteStale = `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND expires_at < now()`
	idemInsert      = `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state, expires_at) VALUES ($1, $2, $3, 'pending', now() + $4::interval) ON CONFLICT DO NOTHING`
	idemSelect      = `SELECT fingerprint, state, status, headers, body FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`
	idemComplete    = `UPDATE idempotency_keys SET state = 'done', status = $1, headers = $2, body = $3, expires_at = now() + $6::interval WHERE tenant_id = $4 AND key = $5 AND state = 'pending'`
	idemRelease     = `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2 AND state = 'pending'`
	idemPurgeOn     = `SELECT set_config('learnd.purge', 'on', true)`
	idemPurge       = `DELETE FROM idempotency_keys WHERE expires_at < now()`
)
