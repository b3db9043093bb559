package server_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// e2eV1LMSAuditRow is one audit_log row as stored.
type e2eV1LMSAuditRow struct {
	Action, TargetType, TargetID, Surface string
	ActorID                               *string
	Before, After                         map[string]any
	RequestID                             *string
}

// e2eV1LMSAudit reads the audit rows of one target, oldest first.
func e2eV1LMSAudit(t *testing.T, db *pgx.Conn, tenant, targetID string) []e2eV1LMSAuditRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action, target_type, target_id, surface, actor_id::text, before, after, request_id
  FROM audit_log WHERE tenant_id = $1 AND target_id = $2 ORDER BY created_at, id`, tenant, targetID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []e2eV1LMSAuditRow
	for rows.Next() {
		var r e2eV1LMSAuditRow
		var before, after []byte
		if err := rows.Scan(&r.Action, &r.TargetType, &r.TargetID, &r.Surface, &r.ActorID, &before, &after, &r.RequestID); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			raw  []byte
			into *map[string]any
		}{{before, &r.Before}, {after, &r.After}} {
			if x.raw != nil {
				if err := json.Unmarshal(x.raw, x.into); err != nil {
					t.Fatal(err)
				}
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestE2EV1LMSAuditEnvelopeWrites drives every v1 write kind (create, update, delete,
// restore) on cohorts and assessments and checks the audit row each one wrote in its
// transaction: action, target, actor, request id, and before/after as column → value
// objects with TypeIDs. A rejected write records nothing.
func TestE2EV1LMSAuditEnvelopeWrites(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			t.Parallel()
			ctx := e2eCtx(t)
			tenant := "audit-" + res.name
			admin := e2eAdmin(t, env, tenant)
			kind := map[string]string{"cohorts": "cohort", "assessments": "assessment"}[res.name]
			actor, err := typeid.Parse(typeid.Person, admin.Subject)
			if err != nil {
				t.Fatal(err)
			}

			c, err := res.create(ctx, admin.Client, "first name")
			if err != nil {
				t.Fatal(err)
			}
			u, err := res.update(ctx, admin.Client, c.ID, e2eIfMatch(c.Version), nil, "second name")
			if err != nil {
				t.Fatal(err)
			}
			// A rejected update (stale version) writes nothing to the audit log.
			if _, err := res.update(ctx, admin.Client, c.ID, e2eIfMatch(1), nil, "stale"); err == nil {
				t.Fatal("stale update succeeded")
			}
			d, err := res.delete(ctx, admin.Client, c.ID, e2eIfMatch(u.Version))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := res.restore(ctx, admin.Client, c.ID, nil); err != nil {
				t.Fatal(err)
			}

			rows := e2eV1LMSAudit(t, db, tenant, c.ID)
			want := []string{kind + ".create", kind + ".update", kind + ".delete", kind + ".restore"}
			if len(rows) != len(want) {
				t.Fatalf("%d audit rows, want %d: %+v", len(rows), len(want), rows)
			}
			for i, r := range rows {
				if r.Action != want[i] || r.TargetType != kind || r.TargetID != c.ID || r.Surface != "api" {
					t.Errorf("row %d = %s %s %s %s, want %s %s %s api", i, r.Action, r.TargetType, r.TargetID, r.Surface, want[i], kind, c.ID)
				}
				if r.ActorID == nil || *r.ActorID != actor.String() {
					t.Errorf("row %d actor %v, want %s", i, r.ActorID, actor)
				}
				if r.RequestID == nil || *r.RequestID == "" {
					t.Errorf("row %d has no request id", i)
				}
				if r.After["id"] != c.ID || r.After["tenant_id"] != tenant {
					t.Errorf("row %d after id/tenant = %v/%v", i, r.After["id"], r.After["tenant_id"])
				}
			}
			create, update, del, restore := rows[0], rows[1], rows[2], rows[3]
			if create.Before != nil {
				t.Errorf("create before = %v, want none", create.Before)
			}
			for _, chk := range []struct {
				what string
				got  any
				want any
			}{
				{"create after name", create.After["name"], "first name"},
				{"create after version", create.After["version"], 1.0},
				{"create after created_by", create.After["created_by"], admin.Subject},
				{"create after tags", e2eJSON(create.After["tags"]), "[]"},
				{"update before name", update.Before["name"], "first name"},
				{"update before version", update.Before["version"], 1.0},
				{"update after name", update.After["name"], "second name"},
				{"update after version", update.After["version"], 2.0},
				{"delete before is_deleted", del.Before["is_deleted"], false},
				{"delete after is_deleted", del.After["is_deleted"], true},
				{"delete after deleted_by", del.After["deleted_by"], admin.Subject},
				{"delete after version", del.After["version"], float64(d.Version)},
				{"restore before is_deleted", restore.Before["is_deleted"], true},
				{"restore after is_deleted", restore.After["is_deleted"], false},
				{"restore after deleted_at", restore.After["deleted_at"], nil},
				{"restore after version", restore.After["version"], float64(d.Version + 1)},
			} {
				if chk.got != chk.want {
					t.Errorf("%s = %#v, want %#v", chk.what, chk.got, chk.want)
				}
			}
			if _, ok := create.After["start_key"]; ok {
				t.Error("audit view holds a generated sort key")
			}
		})
	}
}

// TestE2EV1LMSAuditRejectedWrites: writes that fail (validation, permission) leave no
// audit row behind.
func TestE2EV1LMSAuditRejectedWrites(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	manager := e2eNewCaller(t, env, servertest.Caller{Tenant: "audit-rejected", Role: auth.RoleManager})
	learner := e2eNewCaller(t, env, servertest.Caller{Tenant: "audit-rejected", Role: auth.RoleLearner})
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, -1, 0)
	_, err := manager.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "bad dates", StartDate: &start, EndDate: &end})
	e2eSdkErr(t, err, 422, "invalid cohort")
	_, err = learner.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "learner"})
	e2eSdkErr(t, err, 403, "learner create")
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE tenant_id = 'audit-rejected'`); n != 0 {
		t.Fatalf("%d audit rows after rejected writes, want 0", n)
	}
}
