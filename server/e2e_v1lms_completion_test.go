package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// e2eV1LMSFixture inserts LMS rows straight into the database (as the superuser).
type e2eV1LMSFixture struct {
	t      *testing.T
	db     *pgx.Conn
	tenant string
}

func (f e2eV1LMSFixture) exec(sql string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(context.Background(), sql, args...); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
}

func (f e2eV1LMSFixture) user(name string) uuid.UUID {
	f.t.Helper()
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO users (tenant_id, id, name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, now(), now())`,
		f.tenant, id, name, id.String()+"@example.test")
	return id
}

func (f e2eV1LMSFixture) group(name string, members ...uuid.UUID) uuid.UUID {
	f.t.Helper()
	id := uuid.Must(uuid.NewV7())
	f.exec(`INSERT INTO groups (tenant_id, id, name, kind, created_at, updated_at) VALUES ($1, $2, $3, 'cohort', now(), now())`, f.tenant, id, name)
	for _, m := range members {
		f.exec(`INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, $2, $3)`, f.tenant, id, m)
	}
	return id
}

func (f e2eV1LMSFixture) course(name string, deleted bool) uuid.UUID {
	f.t.Helper()
	id := uuid.Must(uuid.NewV7())
	var deletedAt *time.Time
	if deleted {
		now := time.Now()
		deletedAt = &now
	}
	f.exec(`INSERT INTO courses (tenant_id, id, name, owner_id, created_at, updated_at, is_deleted, deleted_at) VALUES ($1, $2, $3, $4, now(), now(), $5, $6)`,
		f.tenant, id, name, uuid.New(), deleted, deletedAt)
	return id
}

// assignToGroup records a group assignment of a course (the group's current members must
// be given their assignments by the test itself).
func (f e2eV1LMSFixture) assignToGroup(group, course uuid.UUID) {
	f.t.Helper()
	f.exec(`INSERT INTO group_course_assignments (tenant_id, group_id, course_id) VALUES ($1, $2, $3)`, f.tenant, group, course)
}

// assignment states.
const (
	e2eAsgOpen = iota
	e2eAsgCompleted
	e2eAsgScheduled
)

func (f e2eV1LMSFixture) assignment(user, course uuid.UUID, state int) {
	f.t.Helper()
	var completed, start *time.Time
	now := time.Now()
	switch state {
	case e2eAsgCompleted:
		completed = &now
	case e2eAsgScheduled:
		later := now.Add(72 * time.Hour)
		start = &later
	}
	f.exec(`INSERT INTO assignments (tenant_id, user_id, course_id, start_at, completed_at) VALUES ($1, $2, $3, $4, $5)`,
		f.tenant, user, course, start, completed)
}

// TestE2EV1LMSCohortCompletion checks current_completion_pct against a hand-built
// dataset: only current members of the cohort's group count, only on courses assigned to
// the group (live ones), scheduled assignments are left out. Get, list, create and update
// all report it; it is absent without a group or without assignments; it follows
// progress on the next read.
func TestE2EV1LMSCohortCompletion(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "pct"
	f := e2eV1LMSFixture{t: t, db: env.DB(t), tenant: tenant}
	u1, u2, u3, u4, former := f.user("u1"), f.user("u2"), f.user("u3"), f.user("u4"), f.user("former")
	g := f.group("Spring cohort", u1, u2, u3, u4)
	empty := f.group("Empty cohort")
	c1, c2, c3, gone := f.course("C1", false), f.course("C2", false), f.course("C3", false), f.course("Gone", true)
	f.assignToGroup(g, c1)
	f.assignToGroup(g, c2)
	f.assignToGroup(g, gone)

	// Counted (members × {C1, C2}, not scheduled): 7 assignments, 4 completed → 57.1.
	f.assignment(u1, c1, e2eAsgCompleted)
	f.assignment(u1, c2, e2eAsgCompleted)
	f.assignment(u2, c1, e2eAsgCompleted)
	f.assignment(u2, c2, e2eAsgOpen)
	f.assignment(u3, c1, e2eAsgOpen)
	f.assignment(u4, c1, e2eAsgOpen)
	f.assignment(u4, c2, e2eAsgCompleted)
	// Not counted: scheduled, a course not assigned to the group, a deleted course, a
	// person who is no longer a member.
	f.assignment(u3, c2, e2eAsgScheduled)
	f.assignment(u1, c3, e2eAsgCompleted)
	f.assignment(u2, gone, e2eAsgCompleted)
	f.assignment(former, c1, e2eAsgCompleted)
	f.assignment(former, c2, e2eAsgCompleted)

	manager := e2eNewCaller(t, env, servertest.Caller{Tenant: tenant, Role: auth.RoleManager})
	cl := manager.Client.Learning.Cohorts
	gID, emptyID := typeid.Format(typeid.Group, g), typeid.Format(typeid.Group, empty)

	pctOf := func(c *client.Cohort) any {
		if c.CurrentCompletionPct == nil {
			return nil
		}
		return *c.CurrentCompletionPct
	}
	// A start given with an offset and below the microsecond is stored in UTC at the
	// microsecond: the response and the audit's after view say so.
	start := time.Date(2027, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	created, err := cl.Create(ctx, nil, client.CohortCreate{Name: "with group", GroupId: &gID, StartDate: &start})
	if err != nil {
		t.Fatal(err)
	}
	if got := pctOf(created); got != 57.1 {
		t.Fatalf("create: pct %v, want 57.1", got)
	}
	wantStart := "2027-03-01T08:30:00.123456Z"
	if created.StartDate == nil || created.StartDate.UTC().Format(time.RFC3339Nano) != wantStart {
		t.Fatalf("create: start_date %v, want %s", created.StartDate, wantStart)
	}
	noGroup, err := cl.Create(ctx, nil, client.CohortCreate{Name: "no group"})
	if err != nil {
		t.Fatal(err)
	}
	emptyGroup, err := cl.Create(ctx, nil, client.CohortCreate{Name: "empty group", GroupId: &emptyID})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client.Cohort{noGroup, emptyGroup} {
		if c.CurrentCompletionPct != nil {
			t.Errorf("%s: pct %v, want absent", c.Name, *c.CurrentCompletionPct)
		}
	}
	// Each create's audit row holds the cohort as stored, its completion included (the
	// INSERT computes it in the statement that writes the audit row).
	for _, c := range []struct {
		rec   *client.Cohort
		pct   any
		start any
	}{{created, 57.1, wantStart}, {noGroup, nil, nil}, {emptyGroup, nil, nil}} {
		rows := e2eV1LMSAudit(t, f.db, tenant, c.rec.Id)
		if len(rows) != 1 || rows[0].Action != "cohort.create" {
			t.Fatalf("%s: audit rows %+v, want one cohort.create", c.rec.Name, rows)
		}
		after := rows[0].After
		if after["current_completion_pct"] != c.pct || after["start_date"] != c.start || after["id"] != c.rec.Id ||
			after["created_at"] != c.rec.CreatedAt.UTC().Format(time.RFC3339Nano) {
			t.Errorf("%s: audit after pct %v start %v id %v created_at %v; want %v %v %v %v", c.rec.Name,
				after["current_completion_pct"], after["start_date"], after["id"], after["created_at"],
				c.pct, c.start, c.rec.Id, c.rec.CreatedAt.UTC().Format(time.RFC3339Nano))
		}
	}

	got, err := cl.Get(ctx, created.Id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pctOf(got) != 57.1 {
		t.Errorf("get: pct %v, want 57.1", pctOf(got))
	}

	// Progress moves the figure on the next read: u3 completes C1 → 5/7.
	f.exec(`UPDATE assignments SET completed_at = now() WHERE tenant_id = $1 AND user_id = $2 AND course_id = $3`, tenant, u3, c1)
	want := map[string]any{created.Id: 71.4, noGroup.Id: nil, emptyGroup.Id: nil}
	seen := 0
	for c, err := range cl.All(ctx, &client.ListCohortsParams{PageSize: e2ePtr(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		seen++
		if w, ok := want[c.Id]; !ok || pctOf(&c) != w {
			t.Errorf("list %s: pct %v, want %v", c.Name, pctOf(&c), w)
		}
	}
	if seen != len(want) {
		t.Errorf("list saw %d cohorts, want %d", seen, len(want))
	}

	// Update: moving the cohort to the empty group drops the figure; moving back restores it.
	up, err := cl.Update(ctx, created.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(created.Version)}, client.CohortPatch{GroupId: nullable.NewNullableWithValue[client.GroupID](emptyID)})
	if err != nil {
		t.Fatal(err)
	}
	if up.CurrentCompletionPct != nil {
		t.Errorf("update to empty group: pct %v, want absent", *up.CurrentCompletionPct)
	}
	up, err = cl.Update(ctx, created.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(up.Version)}, client.CohortPatch{GroupId: nullable.NewNullableWithValue[client.GroupID](gID)})
	if err != nil {
		t.Fatal(err)
	}
	if pctOf(up) != 71.4 {
		t.Errorf("update back: pct %v, want 71.4", pctOf(up))
	}
	// An update that leaves the group alone carries the figure over (computed once, with
	// the locked read) instead of answering the stored column.
	up, err = cl.Update(ctx, created.Id, &client.UpdateCohortParams{IfMatch: e2eIfMatch(up.Version)}, client.CohortPatch{Name: e2ePtr("renamed")})
	if err != nil {
		t.Fatal(err)
	}
	if pctOf(up) != 71.4 || up.Name != "renamed" {
		t.Errorf("update of the name: %q, pct %v, want 71.4", up.Name, pctOf(up))
	}

	// Another tenant cannot name this tenant's group: 422 on /group_id, nothing stored.
	other := e2eNewCaller(t, env, servertest.Caller{Tenant: "pct-other", Role: auth.RoleManager})
	_, err = other.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "same group id", GroupId: &gID})
	if e := e2eSdkErr(t, err, http.StatusUnprocessableEntity, "another tenant's group"); e.Problem.Errors == nil || len(*e.Problem.Errors) != 1 ||
		(*e.Problem.Errors)[0].Pointer == nil || *(*e.Problem.Errors)[0].Pointer != "/group_id" {
		t.Errorf("another tenant's group: %s", e.Body)
	}
	if list, err := other.Client.Learning.Cohorts.List(ctx, nil); err != nil || len(list.Data) != 0 {
		t.Errorf("other tenant's cohorts after the refusal: %v, %v", list, err)
	}
}
