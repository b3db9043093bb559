package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/jackc/pgx/v5"
)

// CountUnscoped counts a table's rows inside a tenant transaction WITHOUT the tenant
// filter, so only row-level security stands between the caller and other tenants.
func CountUnscoped(ctx context.Context, s *Store, table string) (int64, error) {
	var n int64
	err := s.InTenant(ctx, func(t *Tx) error {
		return t.pg.QueryRow(t.ctx, "SELECT count(*) FROM "+table).Scan(&n)
	})
	return n, err
}

// InsertForeignTenant tries to write a cohort stamped with another tenant.
func InsertForeignTenant(ctx context.Context, s *Store, tenant string) error {
	return s.InTenant(ctx, func(t *Tx) error {
		_, err := t.pg.Exec(t.ctx, `INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES ($1, gen_random_uuid(), now(), now(), 'intruder')`, tenant)
		return err
	})
}

// CountVisibleKeys counts the api_keys rows a transaction with no tenant sees when it
// presents secret's hash (the key-lookup policy).
func CountVisibleKeys(ctx context.Context, s *Store, secret string) (int, error) {
	hash := ""
	if secret != "" {
		sum := sha256.Sum256([]byte(secret))
		hash = hex.EncodeToString(sum[:])
	}
	n := 0
	err := s.scopedBatch(ctx, "", hash, func(b *pgx.Batch) {
		b.Queue(`SELECT count(*) FROM api_keys`).QueryRow(func(r pgx.Row) error { return r.Scan(&n) })
	})
	return n, err
}

// ScopeSettings returns the role, tenant and application a tenant transaction runs with.
func ScopeSettings(ctx context.Context, s *Store) (role, tenant, app string, err error) {
	err = s.InTenant(ctx, func(t *Tx) error {
		return t.pg.QueryRow(t.ctx, `SELECT current_user, current_setting('learnd.tenant_id'), current_setting('learnd.app_id')`).Scan(&role, &tenant, &app)
	})
	return role, tenant, app, err
}
