package server_test

// Fixtures of the report tests (e2e_reports_*_test.go): a hand-built dataset written
// straight into the database (users through env.User; courses, groups, assignments,
// progress, certificates and audit rows with SQL) so every figure a report gives can be
// checked exactly against it, without depending on the other v2 endpoints.

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// rptFix writes fixtures of one tenant.
type rptFix struct {
	t      *testing.T
	env    *servertest.Env
	db     *pgx.Conn
	tenant string
}

func rptNewFix(t *testing.T, env *servertest.Env, tenant string) *rptFix {
	t.Helper()
	return &rptFix{t: t, env: env, db: env.DB(t), tenant: tenant}
}

// rptUser is a fixture user with its SDK client.
type rptUser struct {
	servertest.User
	UUID   uuid.UUID
	Name   string
	Client *sdk.Client
}

func (f *rptFix) user(name string, role auth.Role, banned bool, scopes ...string) rptUser {
	f.t.Helper()
	u := f.env.User(f.t, servertest.UserSpec{Tenant: f.tenant, Role: role, Name: name, Banned: banned, Scopes: scopes})
	id, err := typeid.Parse(typeid.Person, u.ID)
	if err != nil {
		f.t.Fatalf("parse %s: %v", u.ID, err)
	}
	cl, err := sdk.New(f.env.URL, sdk.WithToken(u.Token), sdk.WithMaxRetries(0))
	if err != nil {
		f.t.Fatalf("sdk.New: %v", err)
	}
	return rptUser{User: u, UUID: id, Name: name, Client: cl}
}

func (f *rptFix) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("fixture: %v\n%s", err, sql)
	}
}

// rptCourseSpec describes a course; zero values: draft, no tags, created now.
type rptCourseSpec struct {
	Name        string
	Status      string
	Tags        []string
	Owner       uuid.UUID
	CreatedAt   time.Time
	PublishedAt *time.Time
	Deleted     bool
}

// course inserts a course with one section and one lesson; it returns the course id and
// the lesson id.
func (f *rptFix) course(s rptCourseSpec) (course, element uuid.UUID) {
	f.t.Helper()
	if s.Status == "" {
		s.Status = "draft"
	}
	if s.Tags == nil {
		s.Tags = []string{}
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	if s.Owner == uuid.Nil {
		s.Owner = uuid.Must(uuid.NewV7())
	}
	var deletedAt *time.Time
	if s.Deleted {
		deletedAt = &s.CreatedAt
	}
	course, section, element := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO courses (tenant_id, id, name, status, tags, owner_id, published_at, created_at, updated_at, is_deleted, deleted_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10)`, f.tenant, course, s.Name, s.Status, s.Tags, s.Owner, s.PublishedAt, s.CreatedAt, s.Deleted, deletedAt)
	f.exec(`INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES ($1, $2, $3, 'Section 1', 1)`, f.tenant, section, course)
	f.exec(`INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'lesson', 'Lesson 1', 1, now(), now())`, f.tenant, element, course, section)
	return course, element
}

func (f *rptFix) group(name string, members ...rptUser) uuid.UUID {
	f.t.Helper()
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO groups (tenant_id, id, name, created_at, updated_at) VALUES ($1, $2, $3, now(), now())`, f.tenant, id, name)
	for _, m := range members {
		f.exec(`INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, $2, $3)`, f.tenant, id, m.UUID)
	}
	return id
}

// rptAsg describes an assignment; zero times are NULL (CreatedAt: now).
type rptAsg struct {
	CreatedAt, StartAt, DueAt, StartedAt, CompletedAt time.Time
	Points                                            int
	Score                                             *float64
}

func rptNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (f *rptFix) assign(u rptUser, course uuid.UUID, a rptAsg) uuid.UUID {
	f.t.Helper()
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now()
	}
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO assignments (tenant_id, id, user_id, course_id, created_at, updated_at, start_at, due_at, started_at, completed_at, points_awarded, score)
VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11)`, f.tenant, id, u.UUID, course, a.CreatedAt,
		rptNull(a.StartAt), rptNull(a.DueAt), rptNull(a.StartedAt), rptNull(a.CompletedAt), a.Points, a.Score)
	return id
}

func (f *rptFix) progress(u rptUser, course, element uuid.UUID, at time.Time) {
	f.t.Helper()
	f.exec(`INSERT INTO element_progress (tenant_id, user_id, course_id, element_id, completed_at, attempts, updated_at)
VALUES ($1, $2, $3, $4, $5, 1, $5)`, f.tenant, u.UUID, course, element, at)
}

func (f *rptFix) certificate(u rptUser, course uuid.UUID, issued time.Time, expires *time.Time) {
	f.t.Helper()
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.tenant, id, u.UUID, course, "CERT-"+id.String(), issued, expires)
}

// rptAudit is an audit_log row.
type rptAudit struct {
	ID         uuid.UUID
	CreatedAt  time.Time
	Actor      *uuid.UUID
	AppID      *string
	KeyID      *uuid.UUID
	Surface    string
	Action     string
	TargetType string
	TargetID   *string
	Before     any
	After      any
	RequestID  *string
}

func (f *rptFix) audit(a rptAudit) rptAudit {
	f.t.Helper()
	a.ID = uuid.Must(uuid.NewV7())
	js := func(v any) []byte {
		if v == nil {
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			f.t.Fatal(err)
		}
		return b
	}
	f.exec(`INSERT INTO audit_log (tenant_id, id, created_at, actor_id, app_id, key_id, surface, action, target_type, target_id, before, after, request_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, f.tenant, a.ID, a.CreatedAt, a.Actor, a.AppID, a.KeyID, a.Surface,
		a.Action, a.TargetType, a.TargetID, js(a.Before), js(a.After), a.RequestID)
	return a
}

// rptDate parses a fixed instant of the test data.
func rptDate(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// rptNow is now at the database's precision.
func rptNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

const rptDay = 24 * time.Hour

// rptSame compares want and got by their JSON (times in UTC), printing both on a mismatch.
func rptSame(t *testing.T, what string, want, got any) {
	t.Helper()
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(w) != string(g) {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}
