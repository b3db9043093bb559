package reports

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
)

// Exports read every row of a report for its filters, not one page, and hand each row to
// a callback as it arrives from one query: nothing holds the whole result. The query runs
// in a Read scope on one pooled connection until the rows end, the callback fails or ctx
// ends (its deadline is the export's time budget); then the rows are closed and the
// connection goes back to the pool.

// eachRow runs sql and calls fn with each row scanned by scan, stopping at the first error.
func eachRow[T any](t *store.Tx, sql string, args []any, scan func(pgx.Rows, *T) error, fn func(T) error) error {
	rows, err := t.Query(sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var item T
	for rows.Next() {
		item = *new(T)
		if err := scan(rows, &item); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if err := fn(item); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ComplianceEach calls fn with every user row of q's course (and group) with q's status, in
// the report's order (by name, then user id); q's Limit and After do not apply. An unknown
// or deleted course, or an unknown group, is a NotFoundError before any row.
func (s *Repo) ComplianceEach(ctx context.Context, q ComplianceQuery, fn func(ComplianceRow) error) error {
	var args store.Args
	rows, _, _ := complianceRows(q, store.Now(), &args)
	sql := rows + `
SELECT ` + complianceRowCols + ` FROM s WHERE ` + complianceWhere(q, &args) + ` ORDER BY sort_name, user_id`
	err := s.st.Read(ctx, func(t *store.Tx) error {
		if err := complianceScope(t, q); err != nil {
			return err
		}
		return eachRow(t, sql, args, func(rows pgx.Rows, c *ComplianceRow) error {
			_, _, err := scanComplianceRow(rows, c)
			return err
		}, fn)
	})
	if err != nil {
		return fmt.Errorf("compliance export: %w", err)
	}
	return nil
}

// AuditEach calls fn with every audit entry matching q's author and window, newest first
// (then by id descending); q's Limit and Offset do not apply.
func (s *Repo) AuditEach(ctx context.Context, q AuditQuery, fn func(AuditLogEntry) error) error {
	err := s.st.Read(ctx, func(t *store.Tx) error {
		return eachRow(t, auditColumnsSQL+`
`+auditFilterSQL+auditOrderSQL, []any{q.Author, q.From, q.To},
			func(rows pgx.Rows, e *AuditLogEntry) error {
				var err error
				*e, err = scanAuditEntry(rows)
				return err
			}, fn)
	})
	if err != nil {
		return fmt.Errorf("audit export: %w", err)
	}
	return nil
}

// complianceScope checks that q's course (not deleted) and group exist; a missing one is
// a NotFoundError. An export checks them first, so that a 404 comes before any row (a
// report reads them in its own statement).
func complianceScope(t *store.Tx, q ComplianceQuery) error {
	var one int
	err := t.QueryRow(`SELECT 1 FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, q.CourseID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return &NotFoundError{What: "course"}
	}
	if err != nil || q.GroupID == nil {
		return err
	}
	err = t.QueryRow(`SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = $1`, *q.GroupID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return &NotFoundError{What: "group"}
	}
	return err
}
