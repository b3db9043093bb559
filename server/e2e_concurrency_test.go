package server_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EConcurrentPatch: 20 writers PATCH one record with If-Match of the same version at
// once. Optimistic concurrency lets exactly one through; the 19 others get 412 with the
// current version, and the record ends one version later with the winner's change.
func TestE2EConcurrentPatch(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	const writers = 20
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			r, err := res.create(ctx, who.Client, "contended")
			if err != nil {
				t.Fatal(err)
			}
			// Start from version 2, so "start + 1" is not just "2".
			if r, err = res.update(ctx, who.Client, r.ID, e2eIfMatch(1), nil, "contended v2"); err != nil {
				t.Fatal(err)
			}
			startVersion := r.Version

			var (
				wg      sync.WaitGroup
				gate    = make(chan struct{})
				results = make([]error, writers)
				names   = make([]string, writers)
			)
			for i := range writers {
				names[i] = fmt.Sprintf("writer %02d", i)
				wg.Go(func() {
					<-gate
					_, results[i] = res.update(ctx, who.Client, r.ID, e2eIfMatch(startVersion), nil, names[i])
				})
			}
			close(gate)
			wg.Wait()

			winner, stale := -1, 0
			for i, err := range results {
				var se *sdk.Error
				switch {
				case err == nil:
					if winner >= 0 {
						t.Errorf("writers %d and %d both succeeded with If-Match %d", winner, i, startVersion)
					}
					winner = i
				case errors.As(err, &se) && se.StatusCode == http.StatusPreconditionFailed:
					stale++
					if se.Problem == nil || se.Problem.CurrentVersion == nil || *se.Problem.CurrentVersion != startVersion+1 {
						t.Errorf("writer %d: 412 without current_version %d: %s", i, startVersion+1, se.Body)
					} else if se.Problem.Code == nil || *se.Problem.Code != "version_mismatch" {
						t.Errorf("writer %d: 412 code %v, want version_mismatch", i, se.Problem.Code)
					}
				default:
					t.Errorf("writer %d: %v, want 200 or 412", i, err)
				}
			}
			if winner < 0 || stale != writers-1 {
				t.Fatalf("%d succeeded (winner %d), %d got 412; want exactly 1 and %d", writers-stale, winner, stale, writers-1)
			}
			got, err := res.get(ctx, who.Client, r.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != startVersion+1 || got.Name != names[winner] {
				t.Errorf("final version %d name %q, want %d %q", got.Version, got.Name, startVersion+1, names[winner])
			}
			if row := e2eReadRow(t, db, res.table, res.prefix, r.ID); row.Version != startVersion+1 || row.Name != names[winner] {
				t.Errorf("database row %+v, want version %d name %q", row, startVersion+1, names[winner])
			}
		})
	}
}

// TestE2EPreconditions: PATCH and DELETE need If-Match or a body version (428 without),
// a body version works in place of If-Match, and a stale one is a 412 carrying the
// current version; nothing changes on a refused write.
func TestE2EPreconditions(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			r, err := res.create(ctx, who.Client, "v1")
			if err != nil {
				t.Fatal(err)
			}
			unchanged := func(what string, version int, name string) {
				t.Helper()
				if row := e2eReadRow(t, db, res.table, res.prefix, r.ID); row.Version != version || row.Name != name || row.IsDeleted {
					t.Errorf("after %s: row %+v, want version %d name %q live", what, row, version, name)
				}
			}

			_, err = res.update(ctx, who.Client, r.ID, nil, nil, "no precondition")
			e := e2eSdkErr(t, err, http.StatusPreconditionRequired, "patch without If-Match or version")
			if e.Problem.Code == nil || *e.Problem.Code != "precondition_required" {
				t.Errorf("428 code %v, want precondition_required", e.Problem.Code)
			}
			_, err = res.delete(ctx, who.Client, r.ID, nil)
			e2eSdkErr(t, err, http.StatusPreconditionRequired, "delete without If-Match")
			unchanged("428s", 1, "v1")

			// The body's version instead of If-Match.
			up, err := res.update(ctx, who.Client, r.ID, nil, e2ePtr(1), "v2 by body version")
			if err != nil {
				t.Fatalf("patch with body version 1: %v", err)
			}
			if up.Version != 2 || up.Name != "v2 by body version" {
				t.Errorf("after body-version patch: version %d name %q", up.Version, up.Name)
			}
			// Stale body version.
			_, err = res.update(ctx, who.Client, r.ID, nil, e2ePtr(1), "stale")
			e = e2eSdkErr(t, err, http.StatusPreconditionFailed, "patch with stale body version")
			if e.Problem.CurrentVersion == nil || *e.Problem.CurrentVersion != 2 {
				t.Errorf("412 current_version %v, want 2", e.Problem.CurrentVersion)
			}
			// Stale If-Match, on PATCH and DELETE.
			_, err = res.update(ctx, who.Client, r.ID, e2eIfMatch(1), nil, "stale")
			e = e2eSdkErr(t, err, http.StatusPreconditionFailed, "patch with stale If-Match")
			if e.Problem.CurrentVersion == nil || *e.Problem.CurrentVersion != 2 {
				t.Errorf("412 current_version %v, want 2", e.Problem.CurrentVersion)
			}
			_, err = res.delete(ctx, who.Client, r.ID, e2eIfMatch(1))
			e2eSdkErr(t, err, http.StatusPreconditionFailed, "delete with stale If-Match")
			// If-Match and body version that disagree.
			_, err = res.update(ctx, who.Client, r.ID, e2eIfMatch(2), e2ePtr(1), "disagree")
			e2eSdkErr(t, err, http.StatusBadRequest, "If-Match 2 with body version 1")
			// A weak or malformed entity tag.
			_, err = res.update(ctx, who.Client, r.ID, e2ePtr(`W/"2"`), nil, "weak")
			e2eSdkErr(t, err, http.StatusBadRequest, "weak If-Match")
			unchanged("refused writes", 2, "v2 by body version")

			// A future version is as stale as a past one.
			_, err = res.update(ctx, who.Client, r.ID, e2eIfMatch(3), nil, "future")
			e2eSdkErr(t, err, http.StatusPreconditionFailed, "patch with a future version")
			unchanged("future version", 2, "v2 by body version")
		})
	}
}
