package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

func TestE2EPeopleUsersEmailChange(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	maria := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Name: "Maria", Email: "maria@acme.example"})
	peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Email: "taken@acme.example"})
	outbox := func(addr string) int {
		return e2eCount(t, db, `SELECT count(*) FROM mail_outbox WHERE tenant_id = 'acme' AND kind = 'email_change' AND lower(to_addr) = lower($1)`, addr)
	}

	_, err := admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, nil, client.UserEmailChange{Email: "TAKEN@acme.example"})
	if e := e2eSdkErr(t, err, http.StatusConflict, "taken address"); e.Problem.Code == nil || *e.Problem.Code != "email_taken" {
		t.Errorf("code %v, want email_taken", e.Problem.Code)
	}
	_, err = admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, nil, client.UserEmailChange{Email: "maria.gomez@"})
	e2eSdkErr(t, err, http.StatusUnprocessableEntity, "bad address")
	_, err = peopleUser(t, env, servertest.UserSpec{Tenant: "globex", Role: auth.RoleOwner}).Client.LMS.Users.ChangeEmail(ctx, maria.ID, nil, client.UserEmailChange{Email: "x@globex.example"})
	e2eSdkErr(t, err, http.StatusNotFound, "another tenant")
	if n := e2eCount(t, db, `SELECT count(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("rejected changes queued %d mails", n)
	}

	moved, err := admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, nil, client.UserEmailChange{Email: "maria.gomez@acme.example"})
	if err != nil || moved.Email != "maria.gomez@acme.example" || moved.Version != 2 {
		t.Fatalf("change: %+v %v", moved, err)
	}
	if outbox("maria@acme.example") != 1 || outbox("maria.gomez@acme.example") != 1 {
		t.Errorf("notices: old %d new %d, want 1 and 1", outbox("maria@acme.example"), outbox("maria.gomez@acme.example"))
	}
	var subject, body string
	if err := db.QueryRow(context.Background(), `SELECT subject, body FROM mail_outbox WHERE to_addr = 'maria@acme.example'`).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "maria@acme.example") || !strings.Contains(body, "maria.gomez@acme.example") || subject == "" {
		t.Errorf("notice %q: %q", subject, body)
	}
	if _, err := admin.Client.LMS.Users.ChangeEmail(ctx, maria.ID, nil, client.UserEmailChange{Email: "maria.gomez@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM mail_outbox`); n != 2 {
		t.Errorf("the same address again queued mail: %d rows", n)
	}
	// A user may change their own address only with user_edit; a learner may not.
	_, err = maria.Client.LMS.Users.ChangeEmail(ctx, maria.ID, nil, client.UserEmailChange{Email: "m@acme.example"})
	e2eSdkErr(t, err, http.StatusForbidden, "learner changes own email")
	if _, err := admin.Client.LMS.Users.ChangeEmail(ctx, admin.ID, nil, client.UserEmailChange{Email: "admin.new@acme.example"}); err != nil {
		t.Errorf("admin changes own email: %v", err)
	}
	rows := peopleAudit(t, db, maria.ID)
	if peopleActions(rows) != "user.email_change" || rows[0].Before["email"] != "maria@acme.example" || rows[0].After["email"] != "maria.gomez@acme.example" {
		t.Errorf("audit %+v", rows)
	}
}
