package reports_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/store/storetest"
)

// TestExportEach: the exports hand over every row of the caller's tenant for the filters,
// in the report's order, stop at the callback's first error (which they return) and give
// their connection back either way; a missing course is a NotFoundError before any row.
func TestExportEach(t *testing.T) {
	t.Parallel()
	st, db := storetest.OpenWithConn(t)
	bg := context.Background()
	for _, tenant := range []string{"exp-a", "exp-b"} {
		if _, err := db.Exec(bg, `INSERT INTO audit_log (tenant_id, id, created_at, surface, action, target_type)
SELECT $1, gen_random_uuid(), now() - n * interval '1 second', 'api', $1 || '.' || n, 'user' FROM generate_series(1, 300) n`, tenant); err != nil {
			t.Fatal(err)
		}
	}
	ctx := storetest.As("exp-a", "", auth.RoleAdmin)
	rep := reports.New(st)

	var actions []string
	if err := rep.AuditEach(ctx, reports.AuditQuery{Limit: 1}, func(e reports.AuditLogEntry) error {
		actions = append(actions, e.Action)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(actions) != 300 || actions[0] != "exp-a.1" || actions[299] != "exp-a.300" {
		t.Errorf("%d entries, first %q last %q; want exp-a's 300, newest first", len(actions), actions[0], actions[len(actions)-1])
	}

	stop := errors.New("enough")
	seen := 0
	err := rep.AuditEach(ctx, reports.AuditQuery{}, func(reports.AuditLogEntry) error {
		if seen++; seen == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || seen != 3 {
		t.Errorf("stopped after %d entries with %v, want 3 and the callback's error", seen, err)
	}
	if n := st.PoolStats().AcquiredConns(); n != 0 {
		t.Errorf("%d connections still acquired after the exports", n)
	}

	err = rep.ComplianceEach(ctx, reports.ComplianceQuery{CourseID: uuid.Must(uuid.NewV7())}, func(reports.ComplianceRow) error {
		t.Error("a row of a missing course")
		return nil
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing course: %v, want not found", err)
	}
}
