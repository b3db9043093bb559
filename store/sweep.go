package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The periodic LMS sweep (jobs/lms_sweep.go: recertification, overdue escalation) works
// every tenant that has work, each in its own scope (AsOperator). Which tenants have work
// it asks across tenants, like the mail delivery: as learnd_app with learnd.sweeper =
// 'on', which the sweeper_select policies of certificates and assignments admit (reads
// only; migration 00060).

const sweeperSQL = `SELECT set_config('role', 'learnd_app', true), set_config('learnd.sweeper', 'on', true)`

// SweepTenants runs query, a SELECT of one text column (tenant ids) over certificates
// and assignments of every tenant, with args, and returns the ids it lists.
func (s *Store) SweepTenants(ctx context.Context, query string, args ...any) ([]string, error) {
	var out []string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sweeperSQL); err != nil {
			return fmt.Errorf("scope sweeper transaction: %w", err)
		}
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sweep tenants: %w", err)
	}
	return out, nil
}
