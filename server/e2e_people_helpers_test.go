package server_test

// Helpers of the people end-to-end tests (e2e_people_*_test.go): fixture users with SDK
// clients, and reads of the audit log.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// peopleCaller is a fixture user (a users row and a JWT) with its SDK client.
type peopleCaller struct {
	servertest.User
	Client *sdk.Client
}

func peopleSDK(t *testing.T, env *servertest.Env, opts ...sdk.Option) *sdk.Client {
	t.Helper()
	c, err := sdk.New(env.URL, append([]sdk.Option{sdk.WithMaxRetries(0)}, opts...)...)
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

func peopleUser(t *testing.T, env *servertest.Env, spec servertest.UserSpec) peopleCaller {
	t.Helper()
	u := env.User(t, spec)
	return peopleCaller{User: u, Client: peopleSDK(t, env, sdk.WithToken(u.Token))}
}

// peopleAuditRow is one audit_log entry.
type peopleAuditRow struct {
	Action, TargetType, Surface string
	ActorID                     *string
	Before, After               map[string]any
}

// peopleAudit reads the audit entries about target (a TypeID), oldest first.
func peopleAudit(t *testing.T, db *pgx.Conn, target string) []peopleAuditRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT action, target_type, surface, actor_id::text, before, after FROM audit_log WHERE target_id = $1 ORDER BY created_at, id`, target)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (peopleAuditRow, error) {
		var a peopleAuditRow
		var before, after []byte
		if err := r.Scan(&a.Action, &a.TargetType, &a.Surface, &a.ActorID, &before, &after); err != nil {
			return a, err
		}
		for _, p := range []struct {
			b  []byte
			to *map[string]any
		}{{before, &a.Before}, {after, &a.After}} {
			if p.b != nil {
				if err := json.Unmarshal(p.b, p.to); err != nil {
					return a, err
				}
			}
		}
		return a, nil
	})
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return out
}

func peopleActions(rows []peopleAuditRow) string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Action
	}
	return strings.Join(out, ",")
}

// peopleActor checks an audit entry was written by the person id actor (per_…).
func peopleActor(t *testing.T, a peopleAuditRow, actor string) {
	t.Helper()
	u, err := typeid.Parse(typeid.Person, actor)
	if err != nil {
		t.Fatal(err)
	}
	if a.ActorID == nil || *a.ActorID != u.String() || a.Surface != "api" {
		t.Errorf("%s: actor %v surface %s, want %s api", a.Action, a.ActorID, a.Surface, u)
	}
}

func peopleNames(us []client.User) string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return strings.Join(out, ",")
}
