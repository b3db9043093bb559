package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// TestScopedBegin: the transaction's scope, sent with BEGIN and the first statement in one
// pipeline, holds exactly the caller's tenant and application, whatever characters they carry
// (quotes, backslashes, SQL), and runs as the row-level-security role; a NUL byte is
// refused.
func TestScopedBegin(t *testing.T) {
	t.Parallel()
	st, _ := storetest.OpenWithConn(t)
	for _, app := range []string{"", "app_hr_sync", `x'); SELECT set_config('learnd.tenant_id', 'other', true); --`, `back\slash\'`} {
		ctx := auth.WithPrincipal(t.Context(), auth.Principal{TenantID: "t1", AppID: app, Role: auth.RoleManager})
		role, tenant, gotApp, err := storetest.ScopeSettings(ctx, st)
		if err != nil || role != "learnd_app" || tenant != "t1" || gotApp != app {
			t.Errorf("app %q: role %q tenant %q app %q, %v", app, role, tenant, gotApp, err)
		}
	}
	ctx := auth.WithPrincipal(t.Context(), auth.Principal{TenantID: "t1", AppID: "a\x00b"})
	if _, _, _, err := storetest.ScopeSettings(ctx, st); err == nil {
		t.Error("a NUL byte in the application id was accepted")
	}
}

// TestReadScope: a Read operation's statements each travel with the read-only scope in one
// implicit transaction: they see only the caller's tenant (even without a tenant filter),
// run as the row-level-security role, cannot write, and leave nothing behind on the
// connection (the next transaction on it runs as the connecting role, read-write).
func TestReadScope(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	st, err := store.Open(t.Context(), url, store.Options{MaxOpenConns: 1, NoCallerCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	for _, tenant := range []string{"t1", "t2", "t2"} {
		if err := st.AsOperator(t.Context(), tenant, func(tx *store.Tx) error {
			_, err := tx.Exec(`INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES ($1, gen_random_uuid(), now(), now(), 'c')`, tenant)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for tenant, want := range map[string]int{"t1": 1, "t2": 2, "t3": 0} {
		ctx := storetest.As(tenant, "", auth.RoleAdmin)
		err := st.Read(ctx, func(tx *store.Tx) error {
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM cohorts`).Scan(&n); err != nil || n != want {
				t.Errorf("%s: sees %d cohorts (%v), want %d", tenant, n, err, want)
			}
			var role, scoped, readOnly string
			if err := tx.QueryRow(`SELECT current_user, current_setting('learnd.tenant_id'), current_setting('transaction_read_only')`).Scan(&role, &scoped, &readOnly); err != nil {
				return err
			}
			if role != "learnd_app" || scoped != tenant || readOnly != "on" {
				t.Errorf("%s: runs as %q for %q, read-only %q", tenant, role, scoped, readOnly)
			}
			if _, err := tx.Exec(`UPDATE cohorts SET name = 'x'`); err == nil || !strings.Contains(err.Error(), "read-only") {
				t.Errorf("%s: a write in a Read: %v, want a read-only error", tenant, err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tenant, err)
		}
		// The pool's one connection carries nothing of the Read into the next transaction.
		if err := st.AsOperator(t.Context(), "t9", func(tx *store.Tx) error {
			var role, readOnly string
			if err := tx.QueryRow(`SELECT current_user, current_setting('transaction_read_only')`).Scan(&role, &readOnly); err != nil {
				return err
			}
			if role == "learnd_app" || readOnly != "off" {
				t.Errorf("after a Read as %s: the connection runs as %q, read-only %q", tenant, role, readOnly)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAuditTravelsWithCommit: audit rows are held back and sent with the COMMIT, so a write
// and its audit row commit together, and when the audit row fails (here a surface the
// schema refuses) the write is rolled back too and the connection is clean for the next
// transaction.
func TestAuditTravelsWithCommit(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	st, err := store.Open(t.Context(), url, store.Options{MaxOpenConns: 1, NoCallerCache: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	write := func(ctx context.Context, name string) error {
		return st.InTenant(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(`INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES (learnd_tenant(), gen_random_uuid(), now(), now(), $1)`, name); err != nil {
				return err
			}
			return tx.Audit("cohort.create", "cohort", name, nil, map[string]string{"name": name})
		})
	}
	count := func(sql string, args ...any) int {
		var n int
		if err := st.AsOperator(t.Context(), "t1", func(tx *store.Tx) error { return tx.QueryRow(sql, args...).Scan(&n) }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ok := storetest.As("t1", "", auth.RoleAdmin)
	if err := write(ok, "kept"); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE target_id = 'kept' AND action = 'cohort.create'`); n != 1 {
		t.Errorf("audit rows of the committed write: %d, want 1", n)
	}
	p, _ := auth.FromContext(storetest.As("t1", "", auth.RoleAdmin))
	p.Surface = "bogus"
	if err := write(auth.WithPrincipal(t.Context(), p), "lost"); err == nil {
		t.Fatal("a write whose audit row the schema refuses committed")
	}
	if n := count(`SELECT count(*) FROM cohorts WHERE name = 'lost'`); n != 0 {
		t.Errorf("the write whose audit row failed left %d rows", n)
	}
	if err := write(ok, "after"); err != nil {
		t.Fatalf("the next transaction on the connection: %v", err)
	}
	if n := count(`SELECT count(*) FROM cohorts WHERE name IN ('kept', 'after')`); n != 2 {
		t.Errorf("cohorts = %d, want 2", n)
	}
}
