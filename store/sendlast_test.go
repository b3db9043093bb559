package store_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// TestSendLast: an operation's last statements travel with its COMMIT, their callbacks
// run before InTenant returns, a failing one rolls back everything the operation did
// (audit row included) and leaves the connection usable; in a joined transaction they are
// sent at once, so the outer operation sees them.
func TestSendLast(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	st, err := store.Open(t.Context(), url, store.Options{MaxOpenConns: 1, NoCallerCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	const insert = `INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES (learnd_tenant(), gen_random_uuid(), now(), now(), $1) RETURNING name`
	last := func(name string, got *string) *pgx.Batch {
		b := &pgx.Batch{}
		b.Queue(insert, name).QueryRow(func(row pgx.Row) error { return row.Scan(got) })
		return b
	}
	count := func(sql string, args ...any) int {
		var n int
		if err := st.AsOperator(t.Context(), "t1", func(tx *store.Tx) error { return tx.QueryRow(sql, args...).Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}

	var got string
	err = st.InTenant(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES (learnd_tenant(), gen_random_uuid(), now(), now(), 'first')`); err != nil {
			return err
		}
		if err := tx.SendLast(last("last", &got)); err != nil {
			return err
		}
		if got != "" {
			t.Error("the last statement ran before the operation ended")
		}
		return tx.Audit("cohort.create", "cohort", "last", nil, map[string]string{"name": "last"})
	})
	if err != nil || got != "last" {
		t.Fatalf("InTenant = %v, the last statement returned %q", err, got)
	}
	if n := count(`SELECT count(*) FROM cohorts WHERE name IN ('first', 'last')`) + count(`SELECT count(*) FROM audit_log WHERE target_id = 'last'`); n != 3 {
		t.Errorf("rows and audit entries committed: %d, want 3", n)
	}

	// Alone, it begins the transaction too (BEGIN and the scope in the same pipeline).
	got = ""
	if err := st.InTenant(ctx, func(tx *store.Tx) error { return tx.SendLast(last("alone", &got)) }); err != nil || got != "alone" {
		t.Fatalf("alone: %v, %q", err, got)
	}

	// A failing last statement (the name check) rolls everything back.
	err = st.InTenant(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(`INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES (learnd_tenant(), gen_random_uuid(), now(), now(), 'doomed')`); err != nil {
			return err
		}
		var ignored string
		if err := tx.SendLast(last("", &ignored)); err != nil {
			return err
		}
		return tx.Audit("cohort.create", "cohort", "doomed", nil, map[string]string{"name": "doomed"})
	})
	if err == nil {
		t.Fatal("a failing last statement committed")
	}
	if n := count(`SELECT count(*) FROM cohorts WHERE name = 'doomed'`) + count(`SELECT count(*) FROM audit_log WHERE target_id = 'doomed'`); n != 0 {
		t.Errorf("the failed operation left %d rows and audit entries", n)
	}

	// Joined into another operation's transaction, it is sent at once: the outer one sees it.
	err = st.InTenant(ctx, func(outer *store.Tx) error {
		var inner string
		if err := st.InTenant(outer.Ctx(), func(tx *store.Tx) error { return tx.SendLast(last("inner", &inner)) }); err != nil {
			return err
		}
		if inner != "inner" {
			t.Errorf("the joined operation's last statement had not run when it returned (%q)", inner)
		}
		var n int
		if err := outer.QueryRow(`SELECT count(*) FROM cohorts WHERE name = 'inner'`).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("the outer operation sees %d rows of the joined one's last statement, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("joined: %v", err)
	}
	// The connection (the only one) is usable after all of it.
	if n := count(`SELECT count(*) FROM cohorts`); n != 4 {
		t.Errorf("cohorts = %d, want 4 (first, last, alone, inner)", n)
	}
}

// TestOpenWritesLiteralLimits: the store's SQL builder writes a usual page's LIMIT as a
// number (literalLimit is registered by Open).
func TestOpenWritesLiteralLimits(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	var sql string
	err := st.Read(ctx, func(tx *store.Tx) error {
		var err error
		sql, _, err = store.Build[struct {
			ID string `gorm:"column:id"`
		}](tx.Table("cohorts", store.LiveOnly).Limit(21))
		return err
	})
	if err != nil || !strings.HasSuffix(sql, "LIMIT 21") {
		t.Fatalf("built %q (%v), want a literal LIMIT 21", sql, err)
	}
}
