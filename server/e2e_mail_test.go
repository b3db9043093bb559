package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/jobs/smtptest"
	"github.com/learnd/learnd/server/servertest"
)

// The email-change notice goes out for real: the server runs the job workers against a
// test SMTP server; changing a user's address through the SDK delivers the standard
// notice to the old and the new address, and a change refused with 409 delivers nothing.
func TestE2EMailEmailChangeNotice(t *testing.T) {
	t.Parallel()
	ctx := e2eCtx(t)
	mail := smtptest.Start(t)
	env := servertest.Start(t, servertest.Options{Jobs: true, SMTPURL: mail.URL})
	const tenant = "mail-e2e"
	admin := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin})
	marco := env.User(t, servertest.UserSpec{Tenant: tenant, Name: "Marco Rossi", Email: "marco@acme.example"})
	taken := env.User(t, servertest.UserSpec{Tenant: tenant, Email: "taken@acme.example"})
	cl, err := sdk.New(env.URL, sdk.WithToken(admin.Token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}

	// Refused: the address is another user's. Nothing is queued, nothing is sent.
	_, err = cl.LMS.Users.ChangeEmail(ctx, marco.ID, nil, client.UserEmailChange{Email: taken.Email})
	e2eSdkErr(t, err, 409, "change to a taken address")

	u, err := cl.LMS.Users.ChangeEmail(ctx, marco.ID, nil, client.UserEmailChange{Email: "marco.rossi@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "marco.rossi@acme.example" {
		t.Errorf("email = %q", u.Email)
	}
	for _, to := range []string{"marco@acme.example", "marco.rossi@acme.example"} {
		m := mail.WaitFor(t, to, 20*time.Second)
		if m.Subject != "Your learnd email address was changed" {
			t.Errorf("to %s: subject %q", to, m.Subject)
		}
		for _, want := range []string{"Hello Marco Rossi,", "changed from marco@acme.example to marco.rossi@acme.example."} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("to %s: body lacks %q:\n%s", to, want, m.Body)
			}
		}
		if len(m.To) != 1 || m.To[0] != to || !strings.Contains(m.Header.Get("To"), to) {
			t.Errorf("to %s: envelope %v, header %q", to, m.To, m.Header.Get("To"))
		}
		if got := m.Header.Get("From"); !strings.Contains(got, "no-reply@learnd.local") {
			t.Errorf("to %s: From %q", to, got)
		}
		if got := m.Header.Get("X-Learnd-Kind"); got != "email_change" {
			t.Errorf("to %s: kind %q", to, got)
		}
	}
	db := env.DB(t)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var unsent, total int
		if err := db.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE sent_at IS NULL), count(*) FROM mail_outbox WHERE tenant_id = $1`, tenant).Scan(&unsent, &total); err != nil {
			t.Fatal(err)
		}
		if unsent == 0 {
			if total != 2 {
				t.Errorf("outbox rows = %d, want 2 (the refused change wrote none)", total)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages still unsent", unsent, total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if msgs := mail.Messages(); len(msgs) != 2 {
		t.Errorf("delivered %d messages, want 2", len(msgs))
	}
	for _, m := range mail.Messages() {
		if m.To[0] == taken.Email {
			t.Errorf("the refused change sent mail to %s", taken.Email)
		}
	}
}
