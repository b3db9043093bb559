package server_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EAssignUserIdempotent: assigning a course makes one assignment (201), audited and
// announced by mail; assigning it again is a no-op answering 200 with the same assignment,
// without a second audit entry or mail.
func TestE2EAssignUserIdempotent(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	c := f.course(mgr, asgCourseSpec{Name: "Forklift Safety"})
	due := asgTime(14 * 24 * time.Hour)

	st, first, p := asgAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID, DueAt: &due})
	if st != http.StatusCreated {
		t.Fatalf("first assign: %d %+v", st, p)
	}
	if !strings.HasPrefix(first.Id, "asg_") || first.CourseId != c.ID || first.CourseName != "Forklift Safety" ||
		first.UserId != learner.ID || first.Status != client.AssignmentStatusAssigned || first.Locked ||
		first.DueAt == nil || !first.DueAt.Equal(due) || first.StartAt != nil || first.ProgressPct != 0 || first.GroupId != nil {
		t.Errorf("first assignment = %+v", first)
	}
	if !e2eNear(first.AssignedAt, time.Minute) {
		t.Errorf("assignedAt %s is not now", first.AssignedAt)
	}

	later := asgTime(60 * 24 * time.Hour)
	st, again, _ := asgAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID, DueAt: &later})
	if st != http.StatusOK {
		t.Fatalf("second assign: status %d, want 200", st)
	}
	if again.Id != first.Id || again.DueAt == nil || !again.DueAt.Equal(due) {
		t.Errorf("second assign = %s due %v, want the existing %s due %s unchanged", again.Id, again.DueAt, first.Id, due)
	}
	if n := f.count(`SELECT count(*) FROM assignments WHERE tenant_id = 'acme' AND course_id = $1`, c.UUID); n != 1 {
		t.Errorf("%d assignments stored, want 1", n)
	}

	a := f.auditFor("assignment.create", first.Id)
	if a.Before != nil || a.After["userId"] != learner.ID || a.After["courseId"] != c.ID || a.ActorID == nil || *a.ActorID != mgr.UUID {
		t.Errorf("audit = %+v", a)
	}
	if n := len(f.audits("assignment.create")); n != 1 {
		t.Errorf("%d assignment.create audit rows, want 1", n)
	}
	mails := f.mails("assignment")
	if len(mails) != 1 || mails[0].To != learner.Email || !strings.Contains(mails[0].Subject, "Forklift Safety") || !strings.Contains(mails[0].Body, "complete it by") {
		t.Errorf("mails = %+v", mails)
	}

	// A scheduled assignment: status scheduled, and the mail says when it starts.
	other := f.user(auth.RoleLearner)
	start := asgTime(7 * 24 * time.Hour)
	sch := asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: other.ID, StartAt: &start})
	if sch.Status != client.AssignmentStatusScheduled || sch.StartAt == nil || !sch.StartAt.Equal(start) {
		t.Errorf("scheduled assignment = %+v", sch)
	}
	var found bool
	for _, m := range f.mails("assignment") {
		if m.To == other.Email {
			found = strings.Contains(m.Body, "starts on")
		}
	}
	if !found {
		t.Errorf("the scheduled assignment's mail does not say when it starts: %+v", f.mails("assignment"))
	}
}

// TestE2EAssignUserConcurrent: 20 parallel assigns of one course to one user make exactly
// one assignment; one call answers 201 and every other 200 with the same id.
func TestE2EAssignUserConcurrent(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	c := f.course(mgr, asgCourseSpec{})

	const n = 20
	var wg sync.WaitGroup
	statuses := make([]int, n)
	ids := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := mgr.Client.Raw().AssignCourseToUserWithResponse(e2eCtx(t), c.ID, nil, client.AssignUserRequest{UserId: learner.ID})
			if err != nil {
				t.Errorf("assign %d: %v", i, err)
				return
			}
			statuses[i] = res.StatusCode()
			switch {
			case res.JSON201 != nil:
				ids[i] = res.JSON201.Id
			case res.JSON200 != nil:
				ids[i] = res.JSON200.Id
			}
		}()
	}
	wg.Wait()
	created := 0
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Errorf("call %d: status %d", i, st)
		}
		if ids[i] != ids[0] {
			t.Errorf("call %d: id %s, want %s", i, ids[i], ids[0])
		}
	}
	if created != 1 {
		t.Errorf("%d calls answered 201, want exactly 1", created)
	}
	if got := f.count(`SELECT count(*) FROM assignments WHERE tenant_id = 'acme' AND user_id = $1 AND course_id = $2`, learner.UUID, c.UUID); got != 1 {
		t.Errorf("%d assignments stored, want 1", got)
	}
	if got := len(f.audits("assignment.create")); got != 1 {
		t.Errorf("%d audit rows, want 1", got)
	}
	if got := len(f.mails("assignment")); got != 1 {
		t.Errorf("%d mails, want 1", got)
	}
}

// TestE2EAssignUserRefused: a learner cannot assign (403), a read-only token cannot
// either, another tenant's course is 404, and a draft course, an unknown or banned user, or
// a deadline before the start are 422 — with nothing written in every case.
func TestE2EAssignUserRefused(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	readOnly := f.user(auth.RoleAdmin, auth.ScopeRead)
	banned := f.bannedUser()
	published := f.course(mgr, asgCourseSpec{})
	draft := f.course(mgr, asgCourseSpec{Status: "draft"})
	archived := f.course(mgr, asgCourseSpec{Status: "archived"})
	foreignMgr := g.user(auth.RoleOwner)
	foreignLearner := g.user(auth.RoleLearner)
	start, due := asgTime(48*time.Hour), asgTime(24*time.Hour)

	cases := []struct {
		name     string
		caller   asgUser
		course   string
		body     client.AssignUserRequest
		status   int
		pointers []string
	}{
		{"learner", learner, published.ID, client.AssignUserRequest{UserId: learner.ID}, http.StatusForbidden, nil},
		{"read scope", readOnly, published.ID, client.AssignUserRequest{UserId: learner.ID}, http.StatusForbidden, nil},
		{"other tenant's course", foreignMgr, published.ID, client.AssignUserRequest{UserId: foreignLearner.ID}, http.StatusNotFound, nil},
		{"other tenant's user", mgr, published.ID, client.AssignUserRequest{UserId: foreignLearner.ID}, http.StatusUnprocessableEntity, []string{"/userId"}},
		{"draft course", mgr, draft.ID, client.AssignUserRequest{UserId: learner.ID}, http.StatusUnprocessableEntity, nil},
		{"archived course", mgr, archived.ID, client.AssignUserRequest{UserId: learner.ID}, http.StatusUnprocessableEntity, nil},
		{"banned user", mgr, published.ID, client.AssignUserRequest{UserId: banned.ID}, http.StatusUnprocessableEntity, []string{"/userId"}},
		{"due before start", mgr, published.ID, client.AssignUserRequest{UserId: learner.ID, StartAt: &start, DueAt: &due}, http.StatusUnprocessableEntity, []string{"/dueAt"}},
	}
	for _, tc := range cases {
		st, _, p := asgAssign(t, tc.caller.Client, tc.course, tc.body)
		if st != tc.status {
			t.Errorf("%s: status %d, want %d (%+v)", tc.name, st, tc.status, p)
			continue
		}
		if tc.pointers != nil {
			if got := asgPointers(p); strings.Join(got, ",") != strings.Join(tc.pointers, ",") {
				t.Errorf("%s: pointers %v, want %v", tc.name, got, tc.pointers)
			}
		}
	}
	for _, table := range []string{"assignments", "audit_log", "mail_outbox"} {
		if n := f.count(`SELECT count(*) FROM ` + table); n != 0 {
			t.Errorf("%d rows in %s after refused assigns, want 0", n, table)
		}
	}
}

// TestE2EAssignUserSDK: the SDK's AssignUser returns the assignment both when it is new
// (201) and when it already existed (200): the generator returns whichever 2xx body of the
// result type is present.
func TestE2EAssignUserSDK(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	c := f.course(mgr, asgCourseSpec{Name: "SDK course"})
	first, err := mgr.Client.LMS.Assignments.AssignUser(e2eCtx(t), c.ID, nil, client.AssignUserRequest{UserId: learner.ID})
	if err != nil || first == nil || !strings.HasPrefix(first.Id, "asg_") || first.UserId != learner.ID {
		t.Fatalf("new assignment through the SDK: %+v, %v", first, err)
	}
	again, err := mgr.Client.LMS.Assignments.AssignUser(e2eCtx(t), c.ID, nil, client.AssignUserRequest{UserId: learner.ID})
	if err != nil || again == nil || again.Id != first.Id {
		t.Fatalf("repeat assignment through the SDK: %+v, %v; want %s", again, err, first.Id)
	}
}
