package learning

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store/storetest"
)

// TestCompletionAuditSQLIsRoundPct: the completion a create's audit row records (computed
// in SQL, completionJoin.audit) is the one its response and every read carry (Go's
// setCompletion), written alike in JSON, for every count up to 60 — ties (1 of 16:
// 6.25 → 6.3) included — and the stored column when there is nothing to count.
func TestCompletionAuditSQLIsRoundPct(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	expr := strings.NewReplacer("{after}", `'{"name":"c"}'`, "{r}", "x").Replace(completionJoin.audit)
	rows, err := conn.Query(ctx, `SELECT x.completion_completed, x.completion_total, (`+expr+`) ->> 'current_completion_pct', (`+expr+`) ->> 'name'
  FROM (SELECT c AS completion_completed, t AS completion_total, CASE WHEN t = 0 THEN 42.5::float8 END AS current_completion_pct
          FROM generate_series(0, 60) t, generate_series(0, t) c) x`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var completed, total int64
		var got, name *string
		if err := rows.Scan(&completed, &total, &got, &name); err != nil {
			t.Fatal(err)
		}
		c := Cohort{Name: "c", GroupID: &uuid.UUID{1}}
		if total == 0 {
			stored := 42.5 // no assignments to count: the stored column stays
			c.CurrentCompletionPct = &stored
		}
		setCompletion(&c, completed, total)
		want, _ := json.Marshal(*c.CurrentCompletionPct)
		if got == nil || *got != string(want) || name == nil || *name != "c" {
			t.Errorf("%d of %d: SQL wrote %v (name %v), Go %s", completed, total, deref(got), deref(name), want)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 1891 {
		t.Fatalf("compared %d counts, want 1891", n)
	}
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
