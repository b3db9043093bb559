package assignments_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/store/webhooks"
	"github.com/learnd/learnd/typeid"
)

func ptr[T any](v T) *T { return &v }

// sweepFixture is one tenant's rows, arranged through a superuser connection.
type sweepFixture struct {
	t      *testing.T
	conn   *pgx.Conn
	tenant string
	owner  uuid.UUID
}

func (f *sweepFixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.conn.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

// user adds an active user with attributes (JSON).
func (f *sweepFixture) user(name, attributes string) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO users (tenant_id, id, name, email, created_at, updated_at, attributes) VALUES ($1, $2, $3, $4, now(), now(), $5)`,
		f.tenant, id, name, fmt.Sprintf("%s-%s@example.com", name, id), attributes)
	return id
}

// course adds a published course with settings (JSON).
func (f *sweepFixture) course(settings string) uuid.UUID {
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO courses (tenant_id, id, name, status, owner_id, settings, published_at, created_at, updated_at)
VALUES ($1, $2, 'Forklift safety', 'published', $3, $4, now(), now(), now())`, f.tenant, id, f.owner, settings)
	return id
}

// completed adds a completed assignment of course to user with a certificate expiring at
// expires; it returns the certificate's id.
func (f *sweepFixture) completed(user, course uuid.UUID, issued, expires time.Time) uuid.UUID {
	f.exec(`INSERT INTO assignments (tenant_id, user_id, course_id, due_at, created_at, updated_at, started_at, completed_at, score)
VALUES ($1, $2, $3, $4, $4, $4, $4, $4, 90) ON CONFLICT DO NOTHING`, f.tenant, user, course, issued)
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.tenant, id, user, course, "LD-T-"+id.String()[24:], issued, expires)
	return id
}

func newSweepFixture(t *testing.T, tenant string, conn *pgx.Conn) *sweepFixture {
	f := &sweepFixture{t: t, conn: conn, tenant: tenant}
	f.owner = f.user("owner", "{}")
	return f
}

func count(t *testing.T, conn *pgx.Conn, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestRecertificationSweep: a certificate in its course's re-assign window re-opens the
// learner's assignment (deadline: the expiry) and mails them, once across sweeps; the
// certificate is kept; certificates outside the window, of courses without
// recertification, superseded by a newer one, or of another tenant at the tenant's own
// sweep are left alone.
func TestRecertificationSweep(t *testing.T) {
	st, conn := storetest.OpenWithConn(t)
	repo := assignments.New(st)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	f := newSweepFixture(t, "acme", conn)
	g := newSweepFixture(t, "globex", conn)
	recert := f.course(`{"certificateOnCompletion": true, "recertification": {"everyMonths": 12, "reassignDaysBefore": 30}}`)
	plain := f.course(`{"certificateOnCompletion": true, "certificateValidityMonths": 12}`)
	otherRecert := g.course(`{"certificateOnCompletion": true, "recertification": {"everyMonths": 12, "reassignDaysBefore": 30}}`)

	inWindow, notYet, noRecert, superseded, foreign := f.user("ana", "{}"), f.user("ben", "{}"), f.user("cy", "{}"), f.user("di", "{}"), g.user("eve", "{}")
	expiry := now.AddDate(0, 0, 20) // inside the 30-day window
	dueCert := f.completed(inWindow, recert, expiry.AddDate(-1, 0, 0), expiry)
	f.completed(notYet, recert, now.AddDate(0, -1, 0), now.AddDate(0, 0, 45))
	f.completed(noRecert, plain, expiry.AddDate(-1, 0, 0), expiry)
	f.completed(superseded, recert, now.AddDate(-1, 0, 0), expiry)
	f.completed(superseded, recert, now.AddDate(0, 0, -1), now.AddDate(1, 0, -1))
	g.completed(foreign, otherRecert, expiry.AddDate(-1, 0, 0), expiry)

	// An endpoint of acme's that listens to certificate.expiring gets the event.
	hooks := webhooks.New(st, webhooks.Options{PrivateNetworks: true})
	if _, _, err := hooks.Create(storetest.As("acme", "", auth.RoleAdmin), webhooks.Input{URL: ptr("https://hooks.example.com/learnd"),
		Events: &[]string{store.EventCertificateExpiring}}); err != nil {
		t.Fatal(err)
	}

	r, err := repo.Sweep(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, conn, `SELECT count(*) FROM webhook_messages WHERE tenant_id = 'acme' AND event_type = 'certificate.expiring'
  AND body::jsonb->'data'->>'id' = $1 AND body::jsonb->'data'->>'userId' = $2`, typeid.Format(typeid.Certificate, dueCert), typeid.Format(typeid.Person, inWindow)); n != 1 {
		t.Errorf("certificate.expiring messages of the re-assigned certificate: %d, want 1", n)
	}
	if r.Recertified != 2 || r.Tenants != 2 {
		t.Fatalf("first sweep: %+v, want 2 certificates in 2 tenants", r)
	}
	var due time.Time
	var completed *time.Time
	if err := conn.QueryRow(context.Background(), `SELECT due_at, completed_at FROM assignments WHERE tenant_id = 'acme' AND user_id = $1 AND course_id = $2`,
		inWindow, recert).Scan(&due, &completed); err != nil {
		t.Fatal(err)
	}
	if !due.Equal(expiry) || completed != nil {
		t.Errorf("re-opened assignment: due %v completed %v, want due %v and open", due, completed, expiry)
	}
	for _, u := range []uuid.UUID{notYet, noRecert, superseded} {
		if n := count(t, conn, `SELECT count(*) FROM assignments WHERE user_id = $1 AND completed_at IS NULL`, u); n != 0 {
			t.Errorf("user %s: %d assignments re-opened, want none", u, n)
		}
	}
	if n := count(t, conn, `SELECT count(*) FROM certificates WHERE id = $1 AND reassigned_at = $2 AND expires_at = $3`, dueCert, now, expiry); n != 1 {
		t.Errorf("certificate kept and marked: %d rows, want 1", n)
	}
	if n := count(t, conn, `SELECT count(*) FROM mail_outbox WHERE tenant_id = 'acme' AND kind = 'recertification' AND to_addr LIKE 'ana-%'`); n != 1 {
		t.Errorf("reminder mails: %d, want 1", n)
	}
	if n := count(t, conn, `SELECT count(*) FROM audit_log WHERE tenant_id = 'acme' AND action = 'assignment.recertify' AND surface = 'system'`); n != 1 {
		t.Errorf("audit rows: %d, want 1", n)
	}

	// Once: a later sweep (even inside the window still) does nothing more.
	r, err = repo.Sweep(context.Background(), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if r.Recertified != 0 {
		t.Errorf("second sweep re-assigned %d, want 0", r.Recertified)
	}
	if n := count(t, conn, `SELECT count(*) FROM mail_outbox WHERE kind = 'recertification'`); n != 2 {
		t.Errorf("reminder mails after two sweeps: %d, want 2", n)
	}
	if n := count(t, conn, `SELECT count(*) FROM certificates WHERE user_id = $1`, inWindow); n != 1 {
		t.Errorf("certificates of the learner: %d, want the old one kept", n)
	}
}

// TestRecertificationDueList: the renewal list shows each learner's newest certificate
// expiring within the window (expired ones included), soonest first, with when the course
// re-assigns; paged by keyset; a window outside 1–3650 is refused.
func TestRecertificationDueList(t *testing.T) {
	st, conn := storetest.OpenWithConn(t)
	repo := assignments.New(st)
	f := newSweepFixture(t, "acme", conn)
	recert := f.course(`{"certificateOnCompletion": true, "recertification": {"everyMonths": 12, "reassignDaysBefore": 30}}`)
	plain := f.course(`{"certificateOnCompletion": true, "certificateValidityMonths": 12}`)
	now := time.Now().UTC()
	a, b, c, d := f.user("ana", "{}"), f.user("ben", "{}"), f.user("cy", "{}"), f.user("di", "{}")
	f.completed(a, recert, now.AddDate(-1, 0, 0), now.AddDate(0, 0, 10))
	f.completed(b, plain, now.AddDate(-1, 0, 0), now.AddDate(0, 0, -2))  // expired, not renewed
	f.completed(c, recert, now.AddDate(-1, 0, 0), now.AddDate(0, 0, 50)) // outside 30 days
	f.completed(d, recert, now.AddDate(-1, 0, 0), now.AddDate(0, 0, 5))
	f.completed(d, recert, now, now.AddDate(1, 0, 0)) // renewed

	ctx := storetest.As("acme", "", "manager")
	var got []uuid.UUID
	var after *store.TimeCursor
	for range 5 {
		page, err := repo.RecertificationDue(ctx, 30, 1, after)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			got = append(got, it.UserID)
			if (it.ReassignAt != nil) != (it.CourseID == recert) {
				t.Errorf("%s: reassignAt %v", typeid.Format(typeid.Person, it.UserID), it.ReassignAt)
			}
		}
		if after = page.Next; after == nil {
			break
		}
	}
	if fmt.Sprint(got) != fmt.Sprint([]uuid.UUID{b, a}) {
		t.Errorf("due: %v, want %v (ben expired, then ana)", got, []uuid.UUID{b, a})
	}
	for _, w := range []int{0, 3651} {
		if _, err := repo.RecertificationDue(ctx, w, 10, nil); err == nil {
			t.Errorf("withinDays %d: no error", w)
		}
	}
}
