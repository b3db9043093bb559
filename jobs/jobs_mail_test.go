package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/jobs/smtptest"
	"github.com/learnd/learnd/store"
)

// A message written in a tenant transaction goes out through SMTP with STARTTLS and
// AUTH: recipient, subject and body as written (non-ASCII too), the configured sender, a
// Message-ID derived from the outbox row; the row is marked sent and its job completed.
func TestJobsMailDeliveredOverSMTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: true, Username: "mailer", Password: "s3cret:/@"})
	e.start(t, jobs.Config{SMTPURL: srv.URL, TLSConfig: srv.ClientTLS(), From: "Learnd Test <robot@learnd.test>"}, true)

	to := "ada@example.test"
	subject := "Willkommen — café ✓"
	body := "Hello Ada,\n\nyour course starts tomorrow: naïve résumé.\n" + strings.Repeat("long line ", 20) + "\n"
	if err := e.st.SendMail(as("acme"), store.Mail{Kind: "test", To: to, Subject: subject, Body: body}); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, to, wait)
	if len(m.To) != 1 || m.To[0] != to {
		t.Errorf("envelope to = %v, want [%s]", m.To, to)
	}
	if m.From != "robot@learnd.test" {
		t.Errorf("envelope from = %q", m.From)
	}
	if got := m.Header.Get("To"); !strings.Contains(got, to) {
		t.Errorf("To header = %q", got)
	}
	if got := m.Header.Get("From"); !strings.Contains(got, "robot@learnd.test") || !strings.Contains(got, "Learnd Test") {
		t.Errorf("From header = %q", got)
	}
	if m.Subject != subject {
		t.Errorf("subject = %q, want %q", m.Subject, subject)
	}
	if strings.TrimRight(m.Body, "\n") != strings.TrimRight(body, "\n") {
		t.Errorf("body = %q, want %q", m.Body, body)
	}
	if got := m.Header.Get("X-Learnd-Kind"); got != "test" {
		t.Errorf("X-Learnd-Kind = %q", got)
	}
	rows := e.outbox(t, to)
	if len(rows) != 1 {
		t.Fatalf("outbox rows = %d", len(rows))
	}
	if want := "<" + rows[0].id.String() + "@learnd.test>"; m.Header.Get("Message-Id") != want {
		t.Errorf("Message-ID = %q, want %q", m.Header.Get("Message-Id"), want)
	}
	eventually(t, "the job to complete", func() bool {
		s := e.jobStates(t, rows[0].id)
		return len(s) == 1 && s[0] == "completed"
	})
	if rows := e.outbox(t, to); !rows[0].sent || rows[0].attempts != 1 || rows[0].lastError != nil {
		t.Errorf("outbox row = %+v, want sent after 1 attempt", rows[0])
	}
	var audits int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE tenant_id = 'acme' AND action = 'mail.send' AND target_id = $1`, to).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("mail.send audit rows = %d (%v), want 1", audits, err)
	}
	if got := srv.Attempts(); got != 1 {
		t.Errorf("SMTP deliveries = %d, want 1", got)
	}
}

// The job is inserted in the tenant transaction (visible there, under row-level security,
// as the tenant's only job); when that transaction rolls back, neither message nor job
// remains and nothing is sent.
func TestJobsMailRollbackSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	r := e.start(t, jobs.Config{SMTPURL: srv.URL}, false)

	// Another tenant's job exists: the tenant transaction must not see it.
	e.st.SetJobQueue(r.Enqueue)
	if err := e.st.SendMail(as("other"), store.Mail{To: "first@example.test", Subject: "first", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, "first@example.test", wait)

	boom := errors.New("the change failed after queueing its mail")
	var seen, visible int
	e.st.SetJobQueue(func(ctx context.Context, tx pgx.Tx, job store.Job) error {
		id := job.ID
		if err := r.Enqueue(ctx, tx, job); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE args->>'id' = $1`, id.String()).Scan(&seen); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&visible); err != nil {
			return err
		}
		return boom
	})
	err := e.st.SendMail(as("acme"), store.Mail{To: "ghost@example.test", Subject: "never", Body: "never"})
	if !errors.Is(err, boom) {
		t.Fatalf("SendMail = %v, want the enqueuer's error", err)
	}
	if seen != 1 || visible != 1 {
		t.Errorf("in the tenant transaction: job for the message = %d, jobs visible = %d; want 1 and 1", seen, visible)
	}

	// A later message goes out; the rolled-back one never does.
	e.st.SetJobQueue(r.Enqueue)
	if err := e.st.SendMail(as("acme"), store.Mail{To: "after@example.test", Subject: "after", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, "after@example.test", wait)
	for _, m := range srv.Messages() {
		if m.To[0] == "ghost@example.test" {
			t.Errorf("the rolled-back message was sent")
		}
	}
	if rows := e.outbox(t, "ghost@example.test"); len(rows) != 0 {
		t.Errorf("outbox rows of the rolled-back message = %d", len(rows))
	}
	var jobs int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'mail'`).Scan(&jobs); err != nil || jobs != 2 {
		t.Errorf("mail jobs = %d (%v), want 2 (first, after)", jobs, err)
	}
}

// A tenant transaction cannot queue a job naming another tenant (row-level security on
// river_job), and the change fails with it.
func TestJobsMailJobOfAnotherTenantRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.start(t, jobs.Config{}, false)
	e.st.SetJobQueue(func(ctx context.Context, tx pgx.Tx, job store.Job) error {
		job.TenantID = "victim"
		return r.Enqueue(ctx, tx, job)
	})
	err := e.st.SendMail(as("acme"), store.Mail{To: "x@example.test", Subject: "s", Body: "b"})
	if err == nil || !strings.Contains(err.Error(), "row-level security") {
		t.Fatalf("SendMail = %v, want a row-level security violation", err)
	}
	if rows := e.outbox(t, "x@example.test"); len(rows) != 0 {
		t.Errorf("outbox rows = %d, want 0", len(rows))
	}
}

// Without an SMTP URL the message is written to the log and marked sent.
func TestJobsMailDevLogSender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var buf syncBuffer
	e.start(t, jobs.Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}, true)

	to := "dev@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{Kind: "test", To: to, Subject: "dev subject", Body: "dev body"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the message to be marked sent", func() bool {
		rows := e.outbox(t, to)
		return len(rows) == 1 && rows[0].sent
	})
	if rows := e.outbox(t, to); rows[0].attempts != 1 {
		t.Errorf("attempts = %d", rows[0].attempts)
	}
	log := buf.String()
	for _, want := range []string{`"to":"dev@example.test"`, `"subject":"dev subject"`, `"body":"dev body"`, `"kind":"test"`, `LEARND_SMTP_URL is unset`} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}
