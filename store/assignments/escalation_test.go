package assignments_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/store/webhooks"
	"github.com/learnd/learnd/typeid"
)

// TestEscalationSweep: an assignment overdue by the escalation days (the course's, else
// the tenant's) mails the learner's manager once; one without a manager is recorded as
// skipped; before the days have passed, with escalation off, or once completed, nothing
// happens.
func TestEscalationSweep(t *testing.T) {
	st, conn := storetest.OpenWithConn(t)
	repo := assignments.New(st)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	f := newSweepFixture(t, "acme", conn)
	off := newSweepFixture(t, "initech", conn) // no tenant setting
	f.exec(`INSERT INTO tenant_settings (tenant_id, overdue_escalation_days) VALUES ('acme', 7)`)
	tenantDefault := f.course(`{}`)
	override := f.course(`{"overdueEscalationDays": 2}`)
	offCourse := off.course(`{}`)
	boss := f.user("boss", "{}")
	managed := `{"manager": "` + typeid.Format(typeid.Person, boss) + `"}`

	assign := func(fx *sweepFixture, user, course uuid.UUID, due time.Time, done bool) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		var completed *time.Time
		if done {
			completed = &due
		}
		fx.exec(`INSERT INTO assignments (tenant_id, id, user_id, course_id, due_at, created_at, updated_at, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
			fx.tenant, id, user, course, due, due.AddDate(0, -1, 0), completed)
		return id
	}
	cases := []struct {
		name    string
		fx      *sweepFixture
		attrs   string
		course  uuid.UUID
		overdue time.Duration
		done    bool
		want    string // escalation recorded, "" for none
	}{
		{"tenant default reached", f, managed, tenantDefault, 8 * 24 * time.Hour, false, assignments.EscalationSent},
		{"tenant default not reached", f, managed, tenantDefault, 6 * 24 * time.Hour, false, ""},
		{"course override reached", f, managed, override, 3 * 24 * time.Hour, false, assignments.EscalationSent},
		{"no manager", f, `{}`, override, 3 * 24 * time.Hour, false, assignments.EscalationSkipped},
		{"manager not a user id", f, `{"manager": "someone"}`, override, 3 * 24 * time.Hour, false, assignments.EscalationSkipped},
		{"completed", f, managed, tenantDefault, 30 * 24 * time.Hour, true, ""},
		{"escalation off", off, `{}`, offCourse, 300 * 24 * time.Hour, false, ""},
	}
	// An endpoint of acme's listening to every event gets one assignment.overdue per
	// escalated assignment, however many sweeps run.
	if _, _, err := webhooks.New(st, webhooks.Options{PrivateNetworks: true}).Create(storetest.As("acme", "", auth.RoleAdmin),
		webhooks.Input{URL: ptr("https://hooks.example.com/learnd")}); err != nil {
		t.Fatal(err)
	}
	ids := make([]uuid.UUID, len(cases))
	for i, tc := range cases {
		ids[i] = assign(tc.fx, tc.fx.user("learner", tc.attrs), tc.course, now.Add(-tc.overdue), tc.done)
	}
	for run := range 2 {
		if _, err := repo.Sweep(context.Background(), now.Add(time.Duration(run)*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	sent := 0
	for i, tc := range cases {
		var got *string
		if err := conn.QueryRow(context.Background(), `SELECT escalation FROM assignments WHERE id = $1`, ids[i]).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if (got == nil && tc.want != "") || (got != nil && *got != tc.want) {
			t.Errorf("%s: escalation %v, want %q", tc.name, got, tc.want)
		}
		if tc.want == assignments.EscalationSent {
			sent++
		}
	}
	if n := count(t, conn, `SELECT count(*) FROM mail_outbox WHERE kind = 'escalation' AND to_addr LIKE 'boss-%'`); n != sent {
		t.Errorf("escalation mails to the manager after two sweeps: %d, want %d", n, sent)
	}
	if n := count(t, conn, `SELECT count(*) FROM audit_log WHERE action = 'assignment.escalate'`); n != 4 {
		t.Errorf("escalation audit rows: %d, want 4", n)
	}
	if n := count(t, conn, `SELECT count(*) FROM webhook_messages WHERE tenant_id = 'acme' AND event_type = 'assignment.overdue'`); n != 4 {
		t.Errorf("assignment.overdue messages: %d, want 4 (sent and skipped, once each)", n)
	}
	if n := count(t, conn, `SELECT count(*) FROM webhook_messages WHERE event_type = 'assignment.overdue' AND body::jsonb->'data'->>'id' = $1
  AND body::jsonb->'data'->>'escalation' = 'sent' AND body::jsonb->'data'->>'managerId' = $2`,
		typeid.Format(typeid.Assignment, ids[0]), typeid.Format(typeid.Person, boss)); n != 1 {
		t.Errorf("assignment.overdue of the first case: %d messages, want 1 naming the manager", n)
	}
}
