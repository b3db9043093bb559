package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EAssignExtendDeadline: a later deadline is stored and audited with before and
// after (an overdue assignment becomes assigned again); an earlier or equal one, or one on
// an assignment without a deadline, is a 422 and a completed assignment a 409, with
// nothing changed; learners cannot extend (403); another tenant gets 404.
func TestE2EAssignExtendDeadline(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	past := asgTime(-2 * time.Hour)
	c := f.course(mgr, asgCourseSpec{})
	a := f.mustAssignOverdue(mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID, DueAt: &past})
	if a.Status != client.AssignmentStatusOverdue {
		t.Fatalf("status %s, want overdue", a.Status)
	}
	noDue := asgMustAssign(t, mgr.Client, f.course(mgr, asgCourseSpec{}).ID, client.AssignUserRequest{UserId: learner.ID})
	done := f.course(mgr, asgCourseSpec{})
	d := f.mustAssignOverdue(mgr.Client, done.ID, client.AssignUserRequest{UserId: learner.ID, DueAt: &past})
	if _, err := learner.Client.LMS.Progress.Record(ctx, done.ID, client.ProgressRecord{ElementId: done.Elements[0], Completed: e2ePtr(true)}); err != nil {
		t.Fatal(err)
	}

	refused := []struct {
		name   string
		caller asgUser
		id     string
		due    time.Time
		status int
		code   string
	}{
		{"learner", learner, a.Id, asgTime(time.Hour), http.StatusForbidden, "forbidden"},
		{"other tenant", g.user(auth.RoleOwner), a.Id, asgTime(time.Hour), http.StatusNotFound, "not_found"},
		{"earlier", mgr, a.Id, past.Add(-time.Hour), http.StatusUnprocessableEntity, "validation_failed"},
		{"same", mgr, a.Id, past, http.StatusUnprocessableEntity, "validation_failed"},
		{"later but still past", mgr, a.Id, past.Add(time.Hour), http.StatusUnprocessableEntity, "validation_failed"},
		{"no deadline", mgr, noDue.Id, asgTime(time.Hour), http.StatusUnprocessableEntity, "validation_failed"},
		{"completed", mgr, d.Id, asgTime(time.Hour), http.StatusConflict, "completed"},
	}
	for _, tc := range refused {
		_, err := tc.caller.Client.LMS.Assignments.ExtendDeadline(ctx, tc.id, nil, client.DeadlineExtension{DueAt: tc.due})
		asgStatus(t, err, tc.status, tc.code, tc.name)
	}
	if n := len(f.audits("assignment.extend_deadline")); n != 0 {
		t.Fatalf("%d extend audits after refusals", n)
	}
	if n := f.count(`SELECT count(*) FROM assignments WHERE tenant_id = 'acme' AND due_at = $1`, past); n != 2 {
		t.Fatalf("%d assignments still due at the old deadline, want 2", n)
	}

	later := asgTime(7 * 24 * time.Hour)
	out, err := mgr.Client.LMS.Assignments.ExtendDeadline(ctx, a.Id, nil, client.DeadlineExtension{DueAt: later})
	if err != nil {
		t.Fatal(err)
	}
	if out.Id != a.Id || out.DueAt == nil || !out.DueAt.Equal(later) || out.Status != client.AssignmentStatusAssigned {
		t.Errorf("extended = %+v", out)
	}
	au := f.auditFor("assignment.extend_deadline", a.Id)
	if au.Before["dueAt"] != past.Format(time.RFC3339) || au.After["dueAt"] != later.Format(time.RFC3339) {
		t.Errorf("audit before %v after %v", au.Before, au.After)
	}
}

// TestE2EAssignReminders: without userIds every overdue, uncompleted, active learner of
// the course gets one reminder mail (with the message); with userIds exactly those, each
// of whom must hold an uncompleted assignment (else a 422 naming them and no mail). Each
// call is audited; learners cannot remind (403); another tenant's course is 404.
func TestE2EAssignReminders(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	mgr := f.user(auth.RoleManager)
	late1, late2, onTime, done, stranger := f.user(auth.RoleLearner), f.user(auth.RoleLearner), f.user(auth.RoleLearner), f.user(auth.RoleLearner), f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	c := f.course(mgr, asgCourseSpec{Name: "Confined Spaces"})
	past, future := asgTime(-48*time.Hour), asgTime(48*time.Hour)
	for _, u := range []asgUser{late1, late2, done} {
		f.mustAssignOverdue(mgr.Client, c.ID, client.AssignUserRequest{UserId: u.ID, DueAt: &past})
	}
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: onTime.ID, DueAt: &future})
	if _, err := done.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: c.Elements[0], Completed: e2ePtr(true)}); err != nil {
		t.Fatal(err)
	}
	banned := f.user(auth.RoleLearner)
	f.mustAssignOverdue(mgr.Client, c.ID, client.AssignUserRequest{UserId: banned.ID, DueAt: &past})
	f.exec(`UPDATE users SET status = 'banned', banned_at = now() WHERE id = $1`, banned.UUID)

	_, err := late1.Client.LMS.Assignments.SendReminders(ctx, c.ID, nil, client.ReminderRequest{})
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner")
	_, err = g.user(auth.RoleOwner).Client.LMS.Assignments.SendReminders(ctx, c.ID, nil, client.ReminderRequest{})
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant")
	_, err = mgr.Client.LMS.Assignments.SendReminders(ctx, c.ID, nil, client.ReminderRequest{UserIds: &[]string{onTime.ID, done.ID, stranger.ID}})
	e := asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "completed and unassigned users")
	if got := asgPointers(e.Problem); !slices.Equal(got, []string{"/userIds/1", "/userIds/2"}) {
		t.Errorf("pointers %v, want [/userIds/1 /userIds/2]", got)
	}
	if n := len(f.mails("reminder")); n != 0 {
		t.Fatalf("%d reminders after refusals", n)
	}

	res, err := mgr.Client.LMS.Assignments.SendReminders(ctx, c.ID, nil, client.ReminderRequest{Message: e2ePtr("The audit is on Friday.")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{late1.ID, late2.ID}
	got := slices.Clone(res.UserIds)
	slices.Sort(got)
	slices.Sort(want)
	if res.CourseId != c.ID || res.Sent != 2 || !slices.Equal(got, want) {
		t.Errorf("reminders = %+v, want %v", res, want)
	}
	mails := f.mails("reminder")
	var to []string
	for _, m := range mails {
		to = append(to, m.To)
		if !strings.Contains(m.Body, "The audit is on Friday.") || !strings.Contains(m.Subject, "Confined Spaces") || !strings.Contains(m.Body, "was due on") {
			t.Errorf("reminder mail = %+v", m)
		}
	}
	slices.Sort(to)
	wantTo := []string{late1.Email, late2.Email}
	slices.Sort(wantTo)
	if !slices.Equal(to, wantTo) {
		t.Errorf("reminders went to %v, want %v", to, wantTo)
	}
	au := f.auditFor("course.remind", c.ID)
	if au.After["overdueOnly"] != true || len(au.After["userIds"].([]any)) != 2 || au.After["message"] != "The audit is on Friday." {
		t.Errorf("reminder audit = %+v", au.After)
	}

	// Chosen learners: the one on time may be nudged too.
	res, err = mgr.Client.LMS.Assignments.SendReminders(ctx, c.ID, nil, client.ReminderRequest{UserIds: &[]string{onTime.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 1 || !slices.Equal(res.UserIds, []string{onTime.ID}) {
		t.Errorf("chosen reminder = %+v", res)
	}
	if n := len(f.mails("reminder")); n != 3 {
		t.Errorf("%d reminder mails, want 3", n)
	}
	if n := len(f.audits("course.remind")); n != 2 {
		t.Errorf("%d reminder audits, want 2", n)
	}
}
