package server_test

// Fixtures and helpers of the assignment, progress and certificate end-to-end tests
// (e2e_assign_*_test.go). Courses, their structure, groups, members and chains are written
// straight into the database (as the connecting superuser), so these tests do not depend
// on the course and group endpoints.

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// asgFix is one test's world: the server, a superuser connection and a tenant.
type asgFix struct {
	t      *testing.T
	env    *servertest.Env
	db     *pgx.Conn
	tenant string
}

func asgWorld(t *testing.T, env *servertest.Env, tenant string) *asgFix {
	t.Helper()
	return &asgFix{t: t, env: env, db: env.DB(t), tenant: tenant}
}

// asgUser is a fixture user with an SDK client acting as them.
type asgUser struct {
	servertest.User
	UUID   uuid.UUID
	Client *sdk.Client
}

func (f *asgFix) user(role auth.Role, scopes ...string) asgUser {
	f.t.Helper()
	u := f.env.User(f.t, servertest.UserSpec{Tenant: f.tenant, Role: role, Scopes: scopes})
	return f.wrap(u)
}

func (f *asgFix) bannedUser() asgUser {
	f.t.Helper()
	return f.wrap(f.env.User(f.t, servertest.UserSpec{Tenant: f.tenant, Role: auth.RoleLearner, Banned: true}))
}

func (f *asgFix) wrap(u servertest.User) asgUser {
	f.t.Helper()
	cl, err := sdk.New(f.env.URL, sdk.WithToken(u.Token), sdk.WithMaxRetries(0))
	if err != nil {
		f.t.Fatalf("sdk.New: %v", err)
	}
	id, err := typeid.Parse(typeid.Person, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return asgUser{User: u, UUID: id, Client: cl}
}

func (f *asgFix) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

// asgQuestion is a quiz question fixture: options o1…oN, the correct ones, a weight.
type asgQuestion struct {
	Kind    string // single (default) or multiple
	Options int    // default 3
	Correct []int  // option numbers from 1
	Weight  float64
}

// asgElement is an element fixture.
type asgElement struct {
	Kind      string // lesson, quiz, survey
	Optional  bool
	Questions []asgQuestion
}

// asgCourseSpec is a course fixture; zero values mean published, no settings, one lesson.
type asgCourseSpec struct {
	Name     string
	Status   string
	Settings map[string]any
	Elements []asgElement
}

// asgCourse is a course fixture's ids.
type asgCourse struct {
	ID        string
	UUID      uuid.UUID
	Name      string
	Elements  []string   // ele_… in course order
	Questions [][]string // qst_… per element
}

func (f *asgFix) course(owner asgUser, s asgCourseSpec) asgCourse {
	f.t.Helper()
	if s.Status == "" {
		s.Status = "published"
	}
	if s.Elements == nil {
		s.Elements = []asgElement{{Kind: "lesson"}}
	}
	if s.Settings == nil {
		s.Settings = map[string]any{}
	}
	id, u := typeid.New(typeid.Course)
	if s.Name == "" {
		s.Name = "Course " + id[len(id)-6:]
	}
	c := asgCourse{ID: id, UUID: u, Name: s.Name}
	settings, _ := json.Marshal(s.Settings)
	var published *time.Time
	if s.Status == "published" {
		now := time.Now()
		published = &now
	}
	f.exec(`INSERT INTO courses (tenant_id, id, name, status, owner_id, settings, published_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now())`,
		f.tenant, u, s.Name, s.Status, owner.UUID, settings, published)
	_, sec := typeid.New(typeid.Section)
	f.exec(`INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES ($1, $2, $3, 'Section 1', 1)`, f.tenant, sec, u)
	for i, e := range s.Elements {
		eid, eu := typeid.New(typeid.Element)
		f.exec(`INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, required, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), now())`,
			f.tenant, eu, u, sec, e.Kind, e.Kind+" "+strconv.Itoa(i+1), i+1, !e.Optional)
		c.Elements = append(c.Elements, eid)
		var qs []string
		for j, q := range e.Questions {
			if q.Kind == "" {
				q.Kind = "single"
			}
			if q.Options == 0 {
				q.Options = 3
			}
			if q.Weight == 0 {
				q.Weight = 1
			}
			opts := make([]map[string]any, q.Options)
			for k := range opts {
				correct := false
				for _, n := range q.Correct {
					correct = correct || n == k+1
				}
				opts[k] = map[string]any{"id": "o" + strconv.Itoa(k+1), "text": "Option " + strconv.Itoa(k+1), "correct": correct}
			}
			ob, _ := json.Marshal(opts)
			qid, qu := typeid.New(typeid.Question)
			f.exec(`INSERT INTO quiz_questions (tenant_id, id, course_id, element_id, kind, text, options, weight, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), now())`,
				f.tenant, qu, u, eu, q.Kind, "Question "+strconv.Itoa(j+1), ob, q.Weight, j+1)
			qs = append(qs, qid)
		}
		c.Questions = append(c.Questions, qs)
	}
	return c
}

// group makes a group with members.
func (f *asgFix) group(members ...asgUser) (string, uuid.UUID) {
	f.t.Helper()
	id, u := typeid.New(typeid.Group)
	f.exec(`INSERT INTO groups (tenant_id, id, name, created_at, updated_at) VALUES ($1, $2, $3, now(), now())`, f.tenant, u, "Group "+id[len(id)-6:])
	for _, m := range members {
		f.addMember(u, m)
	}
	return id, u
}

func (f *asgFix) addMember(group uuid.UUID, m asgUser) {
	f.t.Helper()
	f.exec(`INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, $2, $3)`, f.tenant, group, m.UUID)
}

// chain makes a course chain owned by owner.
func (f *asgFix) chain(owner asgUser, courses ...asgCourse) string {
	f.t.Helper()
	id, u := typeid.New(typeid.Chain)
	ids := make([]uuid.UUID, len(courses))
	for i, c := range courses {
		ids[i] = c.UUID
	}
	f.exec(`INSERT INTO course_chains (tenant_id, id, name, owner_id, course_ids, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now(), now())`,
		f.tenant, u, "Path "+id[len(id)-6:], owner.UUID, ids)
	return id
}

// assign calls assignCourseToUser through the generated client (the SDK's AssignUser
// returns the 200 body only) and returns the status and the assignment.
func asgAssign(t *testing.T, c *sdk.Client, course string, body client.AssignUserRequest) (int, *client.Assignment, *client.Problem) {
	t.Helper()
	res, err := c.Raw().AssignCourseToUserWithResponse(e2eCtx(t), course, nil, body)
	if err != nil {
		t.Fatalf("assign: %v", err)
	}
	switch res.StatusCode() {
	case http.StatusOK:
		return http.StatusOK, res.JSON200, nil
	case http.StatusCreated:
		return http.StatusCreated, res.JSON201, nil
	}
	var p client.Problem
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Fatalf("assign: %d %s", res.StatusCode(), res.Body)
	}
	return res.StatusCode(), nil, &p
}

// asgMustAssign assigns and fails the test unless a new assignment was made.
func asgMustAssign(t *testing.T, c *sdk.Client, course string, body client.AssignUserRequest) client.Assignment {
	t.Helper()
	st, a, p := asgAssign(t, c, course, body)
	if st != http.StatusCreated {
		t.Fatalf("assign %s to %s: %d %+v", course, body.UserId, st, p)
	}
	return *a
}

// asgAudit is one audit_log row.
type asgAudit struct {
	Action, TargetType string
	TargetID           *string
	ActorID            *uuid.UUID
	Before, After      map[string]any
}

// audits reads the tenant's audit rows with this action, oldest first.
func (f *asgFix) audits(action string) []asgAudit {
	f.t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT action, target_type, target_id, actor_id, before, after FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY created_at, id`, f.tenant, action)
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (asgAudit, error) {
		var a asgAudit
		err := r.Scan(&a.Action, &a.TargetType, &a.TargetID, &a.ActorID, &a.Before, &a.After)
		return a, err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// auditFor returns the one audit row of action on target, failing otherwise.
func (f *asgFix) auditFor(action, target string) asgAudit {
	f.t.Helper()
	var found []asgAudit
	for _, a := range f.audits(action) {
		if a.TargetID != nil && *a.TargetID == target {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		f.t.Fatalf("audit %s on %s: %d rows, want 1", action, target, len(found))
	}
	return found[0]
}

// asgMail is one outbox message.
type asgMail struct {
	Kind, To, Subject, Body string
}

func (f *asgFix) mails(kind string) []asgMail {
	f.t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT kind, to_addr, subject, body FROM mail_outbox WHERE tenant_id = $1 AND kind = $2 ORDER BY created_at, id`, f.tenant, kind)
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (asgMail, error) {
		var m asgMail
		err := r.Scan(&m.Kind, &m.To, &m.Subject, &m.Body)
		return m, err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *asgFix) count(sql string, args ...any) int {
	f.t.Helper()
	return e2eCount(f.t, f.db, sql, args...)
}

// asgTime is a whole-second instant d from now (RFC 3339 round trips exactly).
func asgTime(d time.Duration) time.Time { return time.Now().Add(d).UTC().Truncate(time.Second) }

// asgStatus fails unless err is an *sdk.Error with this status (and, when code is set,
// problem code), returning it.
func asgStatus(t *testing.T, err error, status int, code, what string) *sdk.Error {
	t.Helper()
	e := e2eSdkErr(t, err, status, what)
	if code != "" && (e.Problem.Code == nil || *e.Problem.Code != code) {
		t.Errorf("%s: problem code %v, want %q", what, e.Problem.Code, code)
	}
	return e
}

// asgPointers lists the pointers of a problem's field errors.
func asgPointers(p *client.Problem) []string {
	var out []string
	if p == nil || p.Errors == nil {
		return out
	}
	for _, e := range *p.Errors {
		if e.Pointer != nil {
			out = append(out, *e.Pointer)
		}
	}
	return out
}
