package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/learnd/learnd/store/storetest"
)

// TestJSONBShapes: another program writing straight to the database cannot store a JSON
// value of the wrong shape where learnd reads a list or an object (the rows that made a
// tenant's every cohort list answer 500): each write is refused with a check violation,
// and a well-formed write passes.
func TestJSONBShapes(t *testing.T) {
	t.Parallel()
	_, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `INSERT INTO cohorts (tenant_id, id, name, created_at, updated_at) VALUES ('t1', gen_random_uuid(), 'C', now(), now())`); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`UPDATE cohorts SET tags = '{}'`,
		`UPDATE cohorts SET tags = '[1, 2]'`,
		`UPDATE cohorts SET facilitator_ids = '{"a": 1}'`,
		`UPDATE cohorts SET assigned_assessment_ids = '"x"'`,
		`UPDATE cohorts SET metadata = '[]'`,
	} {
		_, err := conn.Exec(ctx, bad)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "23514" {
			t.Errorf("%s: %v, want a check violation (23514)", bad, err)
		}
	}
	if _, err := conn.Exec(ctx, `UPDATE cohorts SET tags = '["a", "b"]', metadata = '{"k": "v"}', facilitator_ids = '[]'`); err != nil {
		t.Errorf("a well-formed write: %v", err)
	}
}
