package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2ESoftDelete: DELETE stamps is_deleted/deleted_at/deleted_by (the caller) and hides
// the record from List and Get; admins can still see it with show_deleted=true, managers
// get 403 for asking; restore (admins only) brings it back with a new version; restoring a
// live record is a 409.
func TestE2ESoftDelete(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	adm := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	mgr := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			r, err := res.create(ctx, adm.Client, "to delete")
			if err != nil {
				t.Fatal(err)
			}
			keep, err := res.create(ctx, adm.Client, "kept")
			if err != nil {
				t.Fatal(err)
			}

			// A manager deletes: deleted_by and updated_by are the manager, not the creator.
			del, err := res.delete(ctx, mgr.Client, r.ID, e2eIfMatch(1))
			if err != nil {
				t.Fatalf("delete: %v", err)
			}
			if !del.IsDeleted || del.DeletedAt == nil || !e2eNear(*del.DeletedAt, time.Minute) {
				t.Errorf("delete response: is_deleted %v deleted_at %v", del.IsDeleted, del.DeletedAt)
			}
			if del.DeletedBy == nil || *del.DeletedBy != mgr.Subject {
				t.Errorf("deleted_by %v, want the caller %s", del.DeletedBy, mgr.Subject)
			}
			if del.UpdatedBy == nil || *del.UpdatedBy != mgr.Subject || del.CreatedBy == nil || *del.CreatedBy != adm.Subject {
				t.Errorf("updated_by %v created_by %v, want %s and %s", del.UpdatedBy, del.CreatedBy, mgr.Subject, adm.Subject)
			}
			if del.Version != 2 {
				t.Errorf("version after delete %d, want 2", del.Version)
			}
			if row := e2eReadRow(t, db, res.table, res.prefix, r.ID); !row.IsDeleted || row.Version != 2 {
				t.Errorf("database row after delete: %+v", row)
			}

			for _, who := range []e2eCaller{adm, mgr} {
				lst, err := res.list(ctx, who.Client, false)
				if err != nil {
					t.Fatal(err)
				}
				if e2eContainsID(lst, r.ID) || !e2eContainsID(lst, keep.ID) {
					t.Errorf("%s list after delete = %v: want %s gone and %s there", who.Role, e2eIDs(lst), r.ID, keep.ID)
				}
				_, err = res.get(ctx, who.Client, r.ID, false)
				e2eSdkErr(t, err, http.StatusNotFound, string(who.Role)+" get of a deleted record")
			}

			// show_deleted: admins yes, managers 403.
			got, err := res.get(ctx, adm.Client, r.ID, true)
			if err != nil {
				t.Fatalf("admin get show_deleted: %v", err)
			}
			if !got.IsDeleted || got.DeletedBy == nil || *got.DeletedBy != mgr.Subject {
				t.Errorf("admin get show_deleted: %+v", got)
			}
			lst, err := res.list(ctx, adm.Client, true)
			if err != nil {
				t.Fatalf("admin list show_deleted: %v", err)
			}
			if !e2eContainsID(lst, r.ID) || !e2eContainsID(lst, keep.ID) {
				t.Errorf("admin list show_deleted = %v, want both %s and %s", e2eIDs(lst), r.ID, keep.ID)
			}
			_, err = res.get(ctx, mgr.Client, r.ID, true)
			e2eSdkErr(t, err, http.StatusForbidden, "manager get show_deleted")
			_, err = res.list(ctx, mgr.Client, true)
			e2eSdkErr(t, err, http.StatusForbidden, "manager list show_deleted")

			// Deleting again: it is gone (404), not a second deletion.
			_, err = res.delete(ctx, adm.Client, r.ID, e2eIfMatch(2))
			e2eSdkErr(t, err, http.StatusNotFound, "delete of a deleted record")

			// Restore: admins only; a stale If-Match is a 412.
			_, err = res.restore(ctx, mgr.Client, r.ID, nil)
			e2eSdkErr(t, err, http.StatusForbidden, "manager restore")
			_, err = res.restore(ctx, adm.Client, r.ID, e2eIfMatch(1))
			e2eSdkErr(t, err, http.StatusPreconditionFailed, "restore with stale If-Match")
			if row := e2eReadRow(t, db, res.table, res.prefix, r.ID); !row.IsDeleted || row.Version != 2 {
				t.Errorf("database row after refused restores: %+v", row)
			}
			back, err := res.restore(ctx, adm.Client, r.ID, nil)
			if err != nil {
				t.Fatalf("restore: %v", err)
			}
			if back.IsDeleted || back.DeletedAt != nil || back.DeletedBy != nil || back.Version != 3 {
				t.Errorf("restored: is_deleted %v deleted_at %v deleted_by %v version %d; want live, nulls, 3",
					back.IsDeleted, back.DeletedAt, back.DeletedBy, back.Version)
			}
			if back.UpdatedBy == nil || *back.UpdatedBy != adm.Subject {
				t.Errorf("updated_by after restore %v, want %s", back.UpdatedBy, adm.Subject)
			}
			lst, err = res.list(ctx, mgr.Client, false)
			if err != nil {
				t.Fatal(err)
			}
			if !e2eContainsID(lst, r.ID) {
				t.Errorf("restored %s not back in list %v", r.ID, e2eIDs(lst))
			}
			if g, err := res.get(ctx, mgr.Client, r.ID, false); err != nil || g.Version != 3 {
				t.Errorf("get after restore: %+v %v", g, err)
			}
			_, err = res.restore(ctx, adm.Client, r.ID, nil)
			e := e2eSdkErr(t, err, http.StatusConflict, "restore of a live record")
			if row := e2eReadRow(t, db, res.table, res.prefix, r.ID); row.IsDeleted || row.Version != 3 {
				t.Errorf("database row after the 409: %+v (%v)", row, e)
			}
		})
	}
}

// TestE2EWritePermissions: creating, patching and deleting need the manager role and the
// write scope; a learner and a read-only token get 403 and nothing is written, while both
// may still read.
func TestE2EWritePermissions(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	owner := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleOwner})
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			existing, err := res.create(ctx, owner.Client, "existing")
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				name string
				c    servertest.Caller
			}{
				{"learner", servertest.Caller{Tenant: "acme", Role: auth.RoleLearner}},
				{"learner default role", servertest.Caller{Tenant: "acme"}},
				{"read-only admin", servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Scopes: []string{auth.ScopeRead}}},
				{"read-only owner", servertest.Caller{Tenant: "acme", Role: auth.RoleOwner, Scopes: []string{auth.ScopeRead}}},
			} {
				t.Run(tc.name, func(t *testing.T) {
					who := e2eNewCaller(t, env, tc.c)
					before := e2eCount(t, db, `SELECT count(*) FROM `+res.table)
					_, err := res.create(ctx, who.Client, "forbidden")
					e := e2eSdkErr(t, err, http.StatusForbidden, "create")
					if e.Problem.Code == nil || *e.Problem.Code != "forbidden" {
						t.Errorf("403 code %v, want forbidden", e.Problem.Code)
					}
					_, err = res.update(ctx, who.Client, existing.ID, e2eIfMatch(1), nil, "forbidden")
					e2eSdkErr(t, err, http.StatusForbidden, "patch")
					_, err = res.delete(ctx, who.Client, existing.ID, e2eIfMatch(1))
					e2eSdkErr(t, err, http.StatusForbidden, "delete")
					if after := e2eCount(t, db, `SELECT count(*) FROM `+res.table); after != before {
						t.Errorf("%d rows before, %d after refused writes", before, after)
					}
					if row := e2eReadRow(t, db, res.table, res.prefix, existing.ID); row.Version != 1 || row.IsDeleted || row.Name != "existing" {
						t.Errorf("existing record changed: %+v", row)
					}
					// Reading is allowed.
					if _, err := res.get(ctx, who.Client, existing.ID, false); err != nil {
						t.Errorf("get: %v", err)
					}
					if lst, err := res.list(ctx, who.Client, false); err != nil || !e2eContainsID(lst, existing.ID) {
						t.Errorf("list: %v %v", e2eIDs(lst), err)
					}
				})
			}
		})
	}
	// The SDK surfaces a refused create as a typed problem error.
	learner := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner})
	_, err := learner.Client.Learning.Cohorts.Create(e2eCtx(t), nil, client.CohortCreate{Name: "x"})
	if sdk.StatusCode(err) != http.StatusForbidden {
		t.Errorf("sdk.StatusCode = %d, want 403", sdk.StatusCode(err))
	}
}
