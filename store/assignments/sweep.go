package assignments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// SweepResult counts what one sweep did.
type SweepResult struct {
	Tenants     int // tenants that had work
	Recertified int // certificates whose course was re-assigned
	Escalated   int // overdue assignments escalated (mailed or skipped)
}

// sweepTenantsSQL lists the tenants that may have work at $1: an unhandled certificate
// expiring within the longest re-assign window, or an unescalated overdue assignment
// (each tenant's own scope then decides exactly).
const sweepTenantsSQL = `SELECT tenant_id FROM certificates
WHERE expires_at IS NOT NULL AND reassigned_at IS NULL AND expires_at <= $1::timestamptz + interval '366 days'
UNION
SELECT tenant_id FROM assignments
WHERE completed_at IS NULL AND escalated_at IS NULL AND due_at < $1::timestamptz`

// Sweep does the periodic LMS work as at now: re-assigns the courses of certificates in
// their re-assign window (recertification.go) and escalates overdue assignments
// (escalation.go), each tenant in its own transaction as the operator (audited as
// system). A tenant whose transaction fails is reported and rolled back; the others are
// still swept. The job queue runs it (jobs: lms_sweep); tests call it with the instant they
// need.
func (s *Repo) Sweep(ctx context.Context, now time.Time) (SweepResult, error) {
	var r SweepResult
	tenants, err := s.st.SweepTenants(ctx, sweepTenantsSQL, now)
	if err != nil {
		return r, fmt.Errorf("sweep: %w", err)
	}
	var errs []error
	for _, tenant := range tenants {
		var rec, esc int
		err := s.st.AsOperator(ctx, tenant, func(t *store.Tx) error {
			var err error
			if rec, err = recertifyDue(t, now); err != nil {
				return err
			}
			esc, err = escalateOverdue(t, now)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("sweep tenant %s: %w", tenant, err))
			continue
		}
		if rec+esc > 0 {
			r.Tenants++
		}
		r.Recertified += rec
		r.Escalated += esc
	}
	return r, errors.Join(errs...)
}

// eachLocked reads every row of a sweep's locked batch (each scanned through targets into
// row) before it handles any, since handling sends statements of its own on the same
// transaction, then handles them in order; it returns how many it handled.
func eachLocked[T any](rows pgx.Rows, row *T, targets []any, handle func(T) error) (int, error) {
	var batch []T
	if _, err := pgx.ForEachRow(rows, targets, func() error {
		batch = append(batch, *row)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("read batch: %w", err)
	}
	for _, r := range batch {
		if err := handle(r); err != nil {
			return 0, err
		}
	}
	return len(batch), nil
}
