package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/jobs"
	"github.com/learnd/learnd/jobs/smtptest"
	"github.com/learnd/learnd/typeid"
)

// TestJobsLMSSweep: the periodic LMS sweep, run by the queue, re-assigns the course of a
// certificate inside its re-assign window and mails the learner, and mails the manager
// of a learner whose assignment is overdue beyond the escalation days; across many sweeps
// each mail goes out once. The clock is the injected one (30 days ahead): the fixture is
// arranged relative to wall time and nothing waits for the calendar.
func TestJobsLMSSweep(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := e.db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	wall := time.Now().UTC()
	clock := wall.AddDate(0, 0, 30)
	user := func(name, attrs string) (uuid.UUID, string) {
		id := uuid.Must(uuid.NewV7())
		email := fmt.Sprintf("%s-%s@example.test", name, id)
		exec(`INSERT INTO users (tenant_id, id, name, email, created_at, updated_at, attributes) VALUES ('acme', $1, $2, $3, now(), now(), $4)`, id, name, email, attrs)
		return id, email
	}
	owner, _ := user("owner", "{}")
	boss, bossMail := user("boss", "{}")
	ana, anaMail := user("ana", `{"manager": "`+typeid.Format(typeid.Person, boss)+`"}`)
	course := func(settings string) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		exec(`INSERT INTO courses (tenant_id, id, name, status, owner_id, settings, published_at, created_at, updated_at)
VALUES ('acme', $1, 'Ladder safety', 'published', $2, $3, now(), now(), now())`, id, owner, settings)
		return id
	}
	recert := course(`{"certificateOnCompletion": true, "recertification": {"everyMonths": 12, "reassignDaysBefore": 30}}`)
	escalating := course(`{"overdueEscalationDays": 3}`)
	// The certificate expires 45 days from now: 15 days from the clock, inside the window.
	expires := wall.AddDate(0, 0, 45)
	exec(`INSERT INTO assignments (tenant_id, user_id, course_id, created_at, updated_at, started_at, completed_at) VALUES ('acme', $1, $2, $3, $3, $3, $3)`,
		ana, recert, expires.AddDate(-1, 0, 0))
	exec(`INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ('acme', $1, $2, $3, 'LD-2026-TESTTESTTE', $4, $5)`,
		uuid.Must(uuid.NewV7()), ana, recert, expires.AddDate(-1, 0, 0), expires)
	// Due 20 days from now: 10 days overdue at the clock, beyond the 3 escalation days.
	exec(`INSERT INTO assignments (tenant_id, user_id, course_id, due_at, created_at, updated_at) VALUES ('acme', $1, $2, $3, now(), now())`,
		ana, escalating, wall.AddDate(0, 0, 20))

	srv := smtptest.Start(t)
	e.start(t, jobs.Config{SMTPURL: srv.URL, LMSSweepInterval: 100 * time.Millisecond, Clock: func() time.Time { return clock }}, true)

	reminder := srv.WaitFor(t, anaMail, wait)
	if !strings.Contains(reminder.Subject, "Recertification due: Ladder safety") || !strings.Contains(reminder.Body, "LD-2026-TESTTESTTE") {
		t.Errorf("reminder: %q %q", reminder.Subject, reminder.Body)
	}
	escalation := srv.WaitFor(t, bossMail, wait)
	if !strings.Contains(escalation.Subject, "Overdue training: ana") {
		t.Errorf("escalation: %q", escalation.Subject)
	}
	// Let the sweep run many more times, then count: once each.
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	var sweeps int
	if err := e.db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'lms_sweep' AND state = 'completed'`).Scan(&sweeps); err != nil {
		t.Fatal(err)
	}
	if sweeps < 2 {
		t.Fatalf("%d sweeps completed, want several", sweeps)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			got[to]++
		}
	}
	if got[anaMail] != 1 || got[bossMail] != 1 || len(got) != 2 {
		t.Errorf("mails after %d sweeps: %v, want one to %s and one to %s", sweeps, got, anaMail, bossMail)
	}
	var due time.Time
	var open bool
	if err := e.db.QueryRow(ctx, `SELECT due_at, completed_at IS NULL FROM assignments WHERE user_id = $1 AND course_id = $2`, ana, recert).Scan(&due, &open); err != nil {
		t.Fatal(err)
	}
	if !open || !due.Equal(expires.Truncate(time.Microsecond)) {
		t.Errorf("re-assigned: open %v due %v, want open and due %v", open, due, expires)
	}
}
