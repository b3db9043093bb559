package store

import "context"

// CountUnscoped counts a table's rows inside a tenant transaction WITHOUT the tenant
// filter, so only row-level security stands between the caller and other tenants.
func CountUnscoped(ctx context.Context, s *Store, table string) (int64, error) {
	var n int64
	err := s.inTenant(ctx, func(t *tx) error {
		return t.pg.QueryRow(t.ctx, "SELECT count(*) FROM "+table).Scan(&n)
	})
	return n, err
}

// InsertForeignTenant tries to write a cohort stamped with another tenant.
func InsertForeignTenant(ctx context.Context, s *Store, tenant string) error {
	return s.inTenant(ctx, func(t *tx) error {
		_, err := t.pg.Exec(t.ctx, `INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES ($1, gen_random_uuid(), now(), now(), 'intruder')`, tenant)
		return err
	})
}
