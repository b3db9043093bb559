package server_test

import (
	"context"
	"net/http"
	"sort"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2ETenantIsolation: an owner of tenant B can neither see nor touch tenant A's
// records: list leaves them out, and get, patch (If-Match or body version), delete and
// restore are 404 — never 403, which would reveal that the id exists — and A's rows are
// unchanged in the database.
func TestE2ETenantIsolation(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	a := e2eAdmin(t, env, "acme")
	b := e2eNewCaller(t, env, servertest.Caller{Tenant: "globex", Role: auth.RoleOwner})
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			live, err := res.create(ctx, a.Client, "A live")
			if err != nil {
				t.Fatal(err)
			}
			gone, err := res.create(ctx, a.Client, "A deleted")
			if err != nil {
				t.Fatal(err)
			}
			if gone, err = res.delete(ctx, a.Client, gone.ID, e2eIfMatch(1)); err != nil {
				t.Fatal(err)
			}
			// B has a record of its own, so its lists are not trivially empty.
			own, err := res.create(ctx, b.Client, "B own")
			if err != nil {
				t.Fatal(err)
			}
			before := map[string]e2eRow{
				live.ID: e2eReadRow(t, db, res.table, res.prefix, live.ID),
				gone.ID: e2eReadRow(t, db, res.table, res.prefix, gone.ID),
			}

			for _, sd := range []bool{false, true} {
				got, err := res.list(ctx, b.Client, sd)
				if err != nil {
					t.Fatalf("B list show_deleted=%v: %v", sd, err)
				}
				if len(got) != 1 || got[0].ID != own.ID {
					t.Errorf("B list show_deleted=%v = %v, want only B's %s", sd, e2eIDs(got), own.ID)
				}
			}

			attempts := []struct {
				name string
				call func(ctx context.Context, c *sdk.Client, id string) error
			}{
				{"get", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.get(ctx, c, id, false)
					return err
				}},
				{"get show_deleted", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.get(ctx, c, id, true)
					return err
				}},
				{"patch If-Match", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.update(ctx, c, id, e2eIfMatch(1), nil, "hijacked")
					return err
				}},
				{"patch body version", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.update(ctx, c, id, nil, e2ePtr(2), "hijacked")
					return err
				}},
				{"delete", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.delete(ctx, c, id, e2eIfMatch(1))
					return err
				}},
				{"restore", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.restore(ctx, c, id, nil)
					return err
				}},
				{"restore If-Match", func(ctx context.Context, c *sdk.Client, id string) error {
					_, err := res.restore(ctx, c, id, e2eIfMatch(2))
					return err
				}},
			}
			for _, target := range []e2eRec{live, gone} {
				for _, at := range attempts {
					err := at.call(ctx, b.Client, target.ID)
					if err == nil {
						t.Errorf("B %s of A's %q (%s) succeeded", at.name, target.Name, target.ID)
						continue
					}
					if code := sdk.StatusCode(err); code != http.StatusNotFound {
						t.Errorf("B %s of A's %q: status %d (%v), want 404", at.name, target.Name, code, err)
					}
				}
			}
			for id, was := range before {
				if now := e2eReadRow(t, db, res.table, res.prefix, id); now != was {
					t.Errorf("A's %s changed in the database: %+v → %+v", id, was, now)
				}
			}
			// A still sees its live record, unchanged.
			if got, err := res.get(ctx, a.Client, live.ID, false); err != nil || got.Version != 1 || got.Name != "A live" {
				t.Errorf("A get after B's attempts: %+v, %v", got, err)
			}
		})
	}
}

// TestE2EAppScope: a token minted for an Application sees only that application's rows
// (lists and gets, 404 for the others, no writes to them); a human token of the same
// tenant sees every row.
func TestE2EAppScope(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	human := e2eAdmin(t, env, "acme")
	app1 := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, AppID: "app1"})
	app2 := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, AppID: "app2"})
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			r0, err := res.create(ctx, human.Client, "by human")
			if err != nil {
				t.Fatal(err)
			}
			r1, err := res.create(ctx, app1.Client, "by app1")
			if err != nil {
				t.Fatal(err)
			}
			r2, err := res.create(ctx, app2.Client, "by app2")
			if err != nil {
				t.Fatal(err)
			}
			if r0.AppID != nil || r1.AppID == nil || *r1.AppID != "app1" || r2.AppID == nil || *r2.AppID != "app2" {
				t.Fatalf("app_id stamps: %v %v %v", r0.AppID, r1.AppID, r2.AppID)
			}

			checkList := func(who e2eCaller, want ...string) {
				t.Helper()
				got, err := res.list(ctx, who.Client, false)
				if err != nil {
					t.Fatalf("list as app %q: %v", who.AppID, err)
				}
				g := e2eIDs(got)
				sort.Strings(g)
				sort.Strings(want)
				if !e2eEqual(g, want) {
					t.Errorf("list as app %q = %v, want %v", who.AppID, g, want)
				}
			}
			checkList(app1, r1.ID)
			checkList(app2, r2.ID)
			checkList(human, r0.ID, r1.ID, r2.ID)

			for _, tc := range []struct {
				who  e2eCaller
				id   string
				want int
			}{
				{app1, r1.ID, http.StatusOK},
				{app1, r0.ID, http.StatusNotFound},
				{app1, r2.ID, http.StatusNotFound},
				{app2, r1.ID, http.StatusNotFound},
				{human, r1.ID, http.StatusOK},
				{human, r2.ID, http.StatusOK},
			} {
				got, err := res.get(ctx, tc.who.Client, tc.id, false)
				switch {
				case tc.want == http.StatusOK && err != nil:
					t.Errorf("get %s as app %q: %v", tc.id, tc.who.AppID, err)
				case tc.want == http.StatusOK && got.ID != tc.id:
					t.Errorf("get %s as app %q returned %s", tc.id, tc.who.AppID, got.ID)
				case tc.want != http.StatusOK && sdk.StatusCode(err) != tc.want:
					t.Errorf("get %s as app %q: %v, want %d", tc.id, tc.who.AppID, err, tc.want)
				}
			}

			// Writes across applications are 404 and change nothing.
			was0, was2 := e2eReadRow(t, db, res.table, res.prefix, r0.ID), e2eReadRow(t, db, res.table, res.prefix, r2.ID)
			if _, err := res.update(ctx, app1.Client, r0.ID, e2eIfMatch(1), nil, "x"); sdk.StatusCode(err) != http.StatusNotFound {
				t.Errorf("app1 patch of human's record: %v, want 404", err)
			}
			if _, err := res.delete(ctx, app1.Client, r2.ID, e2eIfMatch(1)); sdk.StatusCode(err) != http.StatusNotFound {
				t.Errorf("app1 delete of app2's record: %v, want 404", err)
			}
			if now := e2eReadRow(t, db, res.table, res.prefix, r0.ID); now != was0 {
				t.Errorf("human's record changed: %+v → %+v", was0, now)
			}
			if now := e2eReadRow(t, db, res.table, res.prefix, r2.ID); now != was2 {
				t.Errorf("app2's record changed: %+v → %+v", was2, now)
			}
			// The human may update an application's record; app_id stays.
			up, err := res.update(ctx, human.Client, r1.ID, e2eIfMatch(1), nil, "by app1, renamed")
			if err != nil {
				t.Fatal(err)
			}
			if up.AppID == nil || *up.AppID != "app1" {
				t.Errorf("app_id after a human's patch: %v, want app1", up.AppID)
			}
		})
	}
}

func e2eEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
