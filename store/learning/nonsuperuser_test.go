package learning_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// Production connects as a database owner that is not a superuser (superusers bypass
// row-level security, so they would hide policy mistakes). Migrations, tenant isolation and
// the idempotency purge must all work for such an owner.
func TestNonSuperuserOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ownerURL, superURL := storetest.NonSuperuserOwner(t, "learnd_owner_")
	st, err := store.Open(ctx, ownerURL, store.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate as a non-superuser owner: %v", err)
	}

	a, other := storetest.As("ta", "", auth.RoleAdmin), storetest.As("tb", "", auth.RoleAdmin)
	mustCohort(t, st, a, "a0")
	if n, err := storetest.CountUnscoped(other, st, "cohorts"); err != nil || n != 0 {
		t.Fatalf("another tenant counts %d, %v; want 0", n, err)
	}
	for _, ctx := range []context.Context{a, other} {
		for _, k := range []string{"old", "live"} {
			if _, _, err := st.Idempotency.Claim(ctx, k, []byte("x"), time.Hour); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Arrange expiry through a superuser connection to the same database.
	su, err := pgx.Connect(ctx, superURL)
	if err != nil {
		t.Fatal(err)
	}
	defer su.Close(ctx)
	if _, err := su.Exec(ctx, `UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = 'old'`); err != nil {
		t.Fatal(err)
	}
	n, err := st.Idempotency.PurgeExpired(ctx)
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2 (one per tenant)", n, err)
	}
	var left int
	if err := su.QueryRow(ctx, `SELECT count(*) FROM idempotency_keys`).Scan(&left); err != nil || left != 2 {
		t.Fatalf("%d keys left, %v; want the 2 live ones", left, err)
	}
	// Outside a purge, an expired key of another tenant is invisible to a tenant transaction.
	if c, err := storetest.CountUnscoped(other, st, "idempotency_keys"); err != nil || c != 1 {
		t.Fatalf("tenant b sees %d idempotency keys, %v; want its own 1", c, err)
	}
}
