package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EAnonymiseUser: a banned user's personal data leaves the user row, their keys,
// bindings and mail for good; their history stays under the alias; they cannot come back.
func TestE2EAnonymiseUser(t *testing.T) {
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	db := e2eOpenDB(t, env)
	admin := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	gone := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleLearner, Name: "Gina Gone", Email: "gina@example.test"})
	api := peopleSDK(t, env, sdk.WithToken(admin.Token))
	gid, _ := typeid.Parse(typeid.Person, gone.ID)
	if _, err := db.Exec(ctx, `INSERT INTO api_keys (tenant_id, id, user_id, name, hash, hint, scopes, created_at)
VALUES ('acme', gen_random_uuid(), $1, 'k', sha256('x'::bytea), 'abcd', '{read}', now())`, gid); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO mail_outbox (tenant_id, id, kind, to_addr, subject, body) VALUES ('acme', gen_random_uuid(), 'notice', 'GINA@example.test', 'Hi Gina', 'Dear Gina Gone')`); err != nil {
		t.Fatal(err)
	}

	_, err := api.LMS.Users.Anonymise(ctx, gone.ID)
	if e := e2eSdkErr(t, err, http.StatusConflict, "anonymise an active user"); e.Problem.Code == nil || *e.Problem.Code != "not_banned" {
		t.Errorf("code %v, want not_banned", e.Problem.Code)
	}
	_, err = peopleSDK(t, env, sdk.WithToken(gone.Token)).LMS.Users.Anonymise(ctx, admin.ID)
	e2eSdkErr(t, err, http.StatusForbidden, "a learner anonymises an admin")

	if _, err := api.LMS.Users.Ban(ctx, nil, client.UserBan{UserId: gone.ID}); err != nil {
		t.Fatal(err)
	}
	u, err := api.LMS.Users.Anonymise(ctx, gone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.Name, "Former user ") || !strings.HasSuffix(u.Email, "@anonymised.invalid") || u.Status != "banned" {
		t.Fatalf("anonymised user %+v", u)
	}
	for what, q := range map[string]string{
		"the name or address in users": `SELECT count(*) FROM users WHERE name = 'Gina Gone' OR lower(email) = 'gina@example.test'`,
		"the address in mail":          `SELECT count(*) FROM mail_outbox WHERE lower(to_addr) = 'gina@example.test' OR body LIKE '%Gina%'`,
		"a live key":                   `SELECT count(*) FROM api_keys WHERE user_id = '` + gid.String() + `' AND revoked_at IS NULL`,
		"PII in the anonymise audit":   `SELECT count(*) FROM audit_log WHERE action = 'user.anonymise' AND (after::text LIKE '%Gina%' OR after::text LIKE '%gina@%')`,
	} {
		if n := e2eCount(t, db, q); n != 0 {
			t.Errorf("%s: %d rows left", what, n)
		}
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'user.anonymise' AND target_id = $1`, gone.ID); n != 1 {
		t.Errorf("%d user.anonymise audit rows, want 1", n)
	}
	again, err := api.LMS.Users.Anonymise(ctx, gone.ID)
	if err != nil || again.Version != u.Version {
		t.Errorf("anonymise again: %v, version %d → %d (want unchanged)", err, u.Version, again.Version)
	}
	_, err = api.LMS.Users.Unban(ctx, gone.ID, nil)
	if e := e2eSdkErr(t, err, http.StatusConflict, "unban an anonymised user"); e.Problem.Code == nil || *e.Problem.Code != "anonymised" {
		t.Errorf("code %v, want anonymised", e.Problem.Code)
	}
}
