package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/jobs/smtptest"
	"github.com/learnd/learnd/store"
)

// A temporary SMTP failure is recorded on the message and retried by the queue; the
// retry delivers it once.
func TestJobsMailRetriedAfterSMTPFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	srv.FailNext(1, 451)
	e.start(t, jobs.Config{SMTPURL: srv.URL}, true)

	to := "retry@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "retry me", Body: "second time lucky"}); err != nil {
		t.Fatal(err)
	}
	m := srv.WaitFor(t, to, wait)
	if m.Subject != "retry me" || strings.TrimSpace(m.Body) != "second time lucky" {
		t.Errorf("delivered %q / %q", m.Subject, m.Body)
	}
	rows := e.outbox(t, to)
	eventually(t, "the job to complete", func() bool {
		s := e.jobStates(t, rows[0].id)
		return len(s) == 1 && s[0] == "completed"
	})
	rows = e.outbox(t, to)
	if !rows[0].sent || rows[0].attempts != 2 || rows[0].lastError != nil {
		t.Errorf("outbox row = %+v, want sent on the 2nd attempt, error cleared", rows[0])
	}
	var errs int
	if err := e.db.QueryRow(context.Background(), `SELECT coalesce(array_length(errors, 1), 0) FROM river_job WHERE args->>'id' = $1`, rows[0].id.String()).Scan(&errs); err != nil || errs != 1 {
		t.Errorf("job errors = %d (%v), want 1", errs, err)
	}
	if got, n := srv.Attempts(), len(srv.Messages()); got != 2 || n != 1 {
		t.Errorf("SMTP attempts = %d, delivered = %d; want 2 and 1", got, n)
	}
}

// A recipient the server refuses permanently is not retried: the attempt and the server's
// reply are recorded, the message stays unsent, the job is cancelled.
func TestJobsMailPermanentRefusalNotRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	to := "nobody@example.test"
	srv.Reject(to)
	e.start(t, jobs.Config{SMTPURL: srv.URL}, true)

	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "s", Body: "b"}); err != nil {
		t.Fatal(err)
	}
	var id uuid.UUID
	eventually(t, "the job to be cancelled", func() bool {
		rows := e.outbox(t, to)
		if len(rows) != 1 {
			return false
		}
		id = rows[0].id
		s := e.jobStates(t, id)
		return len(s) == 1 && s[0] == "cancelled"
	})
	rows := e.outbox(t, to)
	if rows[0].sent || rows[0].attempts != 1 || rows[0].lastError == nil || !strings.Contains(*rows[0].lastError, "550") {
		t.Errorf("outbox row = %+v (last error %v), want unsent after 1 attempt with the 550 reply", rows[0], deref(rows[0].lastError))
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("delivered = %d", n)
	}
}

// A message written without a queue (no enqueuer installed) is found by the sweep once it
// is old enough and delivered once, even though several sweeps see it.
func TestJobsMailSweepQueuesUnqueued(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := smtptest.Start(t)
	to := "swept@example.test"
	if err := e.st.SendMail(as("acme"), store.Mail{To: to, Subject: "swept", Body: "found by the sweep"}); err != nil {
		t.Fatal(err)
	}
	if rows := e.outbox(t, to); len(rows) != 1 || rows[0].sent {
		t.Fatalf("outbox = %+v", rows)
	}
	e.start(t, jobs.Config{SMTPURL: srv.URL, SweepInterval: 200 * time.Millisecond, SweepAge: time.Millisecond}, false)
	m := srv.WaitFor(t, to, wait)
	if m.Subject != "swept" {
		t.Errorf("subject = %q", m.Subject)
	}
	var sweeps int
	eventually(t, "more sweeps", func() bool {
		_ = e.db.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'mail_sweep' AND state = 'completed'`).Scan(&sweeps)
		return sweeps >= 3
	})
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("delivered %d times, want once", n)
	}
	if rows := e.outbox(t, to); !rows[0].sent || rows[0].attempts != 1 {
		t.Errorf("outbox row = %+v", rows[0])
	}
}
