package learning_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/storetest"
)

func mustCohort(t *testing.T, st *store.Store, ctx context.Context, name string) *learning.Cohort {
	t.Helper()
	c := &learning.Cohort{Name: name}
	if err := learning.New(st).Cohorts.Create(ctx, c); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return c
}

func TestListPagesThroughEverything(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	want := map[uuid.UUID]bool{}
	for i := range 25 {
		want[mustCohort(t, st, ctx, fmt.Sprintf("c%02d", i)).ID] = true
	}
	for _, order := range []string{"-created_at", "created_at", "name", "-name", "start_date", "-updated_at"} {
		seen := map[uuid.UUID]bool{}
		q := learning.CohortQuery{ListOptions: learning.ListOptions{PageSize: 10, OrderBy: order}}
		pages := 0
		for {
			page, err := learning.New(st).Cohorts.List(ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", order, err)
			}
			pages++
			for _, c := range page.Items {
				if seen[c.ID] {
					t.Fatalf("%s: %s seen twice", order, c.Name)
				}
				seen[c.ID] = true
			}
			if page.Next == nil {
				break
			}
			q.After = page.Next
		}
		if len(seen) != len(want) || pages != 3 {
			t.Fatalf("%s: saw %d records in %d pages, want %d in 3", order, len(seen), pages, len(want))
		}
	}
}

func TestRowLevelSecurityWithoutFilter(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	a, b := storetest.As("tenant-a", "", auth.RoleAdmin), storetest.As("tenant-b", "", auth.RoleAdmin)
	for i := range 3 {
		mustCohort(t, st, a, fmt.Sprintf("a%d", i))
	}
	mustCohort(t, st, b, "b0")
	// An unfiltered query under the RLS role sees only the caller's tenant.
	for _, tc := range []struct {
		ctx  context.Context
		want int64
	}{{a, 3}, {b, 1}, {storetest.As("tenant-c", "", auth.RoleAdmin), 0}} {
		n, err := storetest.CountUnscoped(tc.ctx, st, "cohorts")
		if err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("unscoped count = %d, want %d", n, tc.want)
		}
	}
	// An application's token sees only its application's rows, even unfiltered.
	app := storetest.As("tenant-a", "app_hr", auth.RoleAdmin)
	mustCohort(t, st, app, "from app")
	if n, err := storetest.CountUnscoped(app, st, "cohorts"); err != nil || n != 1 {
		t.Fatalf("app-scoped unscoped count = %d, %v; want 1", n, err)
	}
	// And writing a row for another tenant is refused by the policy.
	if err := storetest.InsertForeignTenant(b, st, "tenant-a"); err == nil {
		t.Fatal("insert into another tenant succeeded")
	}
}

func TestVersionsAndSoftDelete(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	c := mustCohort(t, st, ctx, "v")
	if _, err := learning.New(st).Cohorts.Update(ctx, c.ID, 2, func(*learning.Cohort) error { return nil }); !errors.As(err, new(*store.VersionMismatchError)) {
		t.Fatalf("stale update err = %v", err)
	}
	up, err := learning.New(st).Cohorts.Update(ctx, c.ID, 1, func(x *learning.Cohort) error { x.Name = "renamed"; return nil })
	if err != nil || up.Version != 2 || up.Name != "renamed" {
		t.Fatalf("update = %+v, %v", up, err)
	}
	del, err := learning.New(st).Cohorts.Delete(ctx, c.ID, 2)
	if err != nil || !del.IsDeleted || del.DeletedBy == nil || del.Version != 3 {
		t.Fatalf("delete = %+v, %v", del, err)
	}
	if _, err := learning.New(st).Cohorts.Get(ctx, c.ID, false); !learning.IsNotFound(err) {
		t.Fatalf("get deleted err = %v", err)
	}
	if _, err := learning.New(st).Cohorts.Restore(ctx, c.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := learning.New(st).Cohorts.Restore(ctx, c.ID, nil); !errors.Is(err, store.ErrNotDeleted) {
		t.Fatalf("second restore err = %v", err)
	}
	other := storetest.As("t2", "", auth.RoleAdmin)
	if _, err := learning.New(st).Cohorts.Get(other, c.ID, true); !learning.IsNotFound(err) {
		t.Fatalf("cross-tenant get err = %v", err)
	}
}

func TestNoPrincipal(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	if _, err := learning.New(st).Cohorts.Get(context.Background(), uuid.New(), false); !errors.Is(err, store.ErrNoPrincipal) {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateKeepsComputedAndReturnsStored(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	start := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.FixedZone("x", 3600))
	c := &learning.Cohort{Name: "computed", StartDate: &start}
	if err := learning.New(st).Cohorts.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.StartDate.Nanosecond() != 123456000 {
		t.Fatalf("create returned %v, not the stored microsecond value", c.StartDate)
	}
	if _, err := conn.Exec(context.Background(), `UPDATE cohorts SET current_completion_pct = 42.5 WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	up, err := learning.New(st).Cohorts.Update(ctx, c.ID, 1, func(x *learning.Cohort) error {
		*x = learning.Cohort{Name: "renamed", StartDate: x.StartDate} // a mutator that knows nothing of computed fields
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.CurrentCompletionPct == nil || *up.CurrentCompletionPct != 42.5 || up.Name != "renamed" {
		t.Fatalf("update = name %q pct %v; want renamed, 42.5", up.Name, up.CurrentCompletionPct)
	}
	got, err := learning.New(st).Cohorts.Get(ctx, c.ID, false)
	if err != nil || got.CurrentCompletionPct == nil || *got.CurrentCompletionPct != 42.5 {
		t.Fatalf("stored pct = %v, %v", got.CurrentCompletionPct, err)
	}
}

// TestUpdateAuditMatchesStored: an update's audit entry shows the record as stored, on both
// ways a write can go (with its COMMIT, when nothing but the name changes; read back
// first, when a time changes, here given with an offset and nanoseconds, which PostgreSQL
// stores in UTC to the microsecond).
func TestUpdateAuditMatchesStored(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	repo := learning.New(st).Cohorts
	c := mustCohort(t, st, ctx, "before")
	zone := time.FixedZone("UTC+2", 2*3600)
	for i, mutate := range []func(c *learning.Cohort){
		func(c *learning.Cohort) { c.Name = "renamed" },
		func(c *learning.Cohort) { s := time.Date(2027, 3, 1, 9, 30, 0, 123456789, zone); c.StartDate = &s },
	} {
		up, err := repo.Update(ctx, c.ID, c.Version, func(cur *learning.Cohort) error { mutate(cur); return nil })
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		got, err := repo.Get(ctx, c.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		var name, start, updated string
		if err := conn.QueryRow(t.Context(), `SELECT after->>'name', coalesce(after->>'start_date', ''), after->>'updated_at' FROM audit_log
			WHERE tenant_id = 't1' AND action = 'cohort.update' ORDER BY created_at DESC, id DESC LIMIT 1`).Scan(&name, &start, &updated); err != nil {
			t.Fatal(err)
		}
		if name != got.Name || name != up.Name {
			t.Errorf("update %d: audit name %q, stored %q, answered %q", i, name, got.Name, up.Name)
		}
		if ts, err := time.Parse(time.RFC3339Nano, updated); err != nil || !ts.Equal(got.UpdatedAt) {
			t.Errorf("update %d: audit updated_at %s, stored %s", i, updated, got.UpdatedAt)
		}
		if got.StartDate != nil {
			ts, err := time.Parse(time.RFC3339Nano, start)
			if err != nil || !ts.Equal(*got.StartDate) || !up.StartDate.Equal(*got.StartDate) {
				t.Errorf("update %d: audit start_date %q, stored %s, answered %s", i, start, got.StartDate, up.StartDate)
			}
		}
		c = got
	}
}
