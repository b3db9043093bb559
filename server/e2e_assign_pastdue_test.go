package server_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EAssignPastDue: a deadline in the past (or now) is refused when an assignment is
// made — to a user, to groups and along a chain — as extend_deadline refuses it: a 422
// naming /dueAt, with nothing assigned, audited or mailed.
func TestE2EAssignPastDue(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	c := f.course(mgr, asgCourseSpec{})
	c2 := f.course(mgr, asgCourseSpec{})
	group, _ := f.group(learner)
	chain := f.chain(mgr, c, c2)
	for _, due := range []time.Time{asgTime(-time.Hour), asgTime(0)} {
		st, _, p := asgAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID, DueAt: &due})
		if st != http.StatusUnprocessableEntity || !slices.Contains(asgPointers(p), "/dueAt") {
			t.Errorf("assign user due %v: %d %v", due, st, asgPointers(p))
		}
		_, err := mgr.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{group}, DueAt: &due})
		if e := asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "assign groups"); !slices.Contains(asgPointers(e.Problem), "/dueAt") {
			t.Errorf("assign groups due %v: pointers %v", due, asgPointers(e.Problem))
		}
		_, err = mgr.Client.LMS.Assignments.AssignChain(ctx, chain, nil, client.AssignChainRequest{Users: &[]string{learner.ID}, DueAt: &due})
		if e := asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "assign chain"); !slices.Contains(asgPointers(e.Problem), "/dueAt") {
			t.Errorf("assign chain due %v: pointers %v", due, asgPointers(e.Problem))
		}
	}
	if n := f.count(`SELECT count(*) FROM assignments WHERE tenant_id = 'acme'`); n != 0 {
		t.Errorf("%d assignments after refusals", n)
	}
	if n := len(f.audits("assignment.create")) + len(f.mails("assignment")); n != 0 {
		t.Errorf("%d audits and mails after refusals", n)
	}
	future := asgTime(time.Hour)
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: learner.ID, DueAt: &future})
}

// mustAssignOverdue makes an overdue assignment, which the API refuses to create: it
// assigns with a deadline tomorrow, moves the deadline to body.DueAt in the database and
// returns the assignment as the API lists it then.
func (f *asgFix) mustAssignOverdue(c *sdk.Client, course string, body client.AssignUserRequest) client.Assignment {
	f.t.Helper()
	due := *body.DueAt
	body.DueAt = new(asgTime(24 * time.Hour))
	a := asgMustAssign(f.t, c, course, body)
	id, err := typeid.Parse(typeid.Assignment, a.Id)
	if err != nil {
		f.t.Fatal(err)
	}
	f.exec(`UPDATE assignments SET due_at = $2 WHERE id = $1`, id, due)
	all, err := c.LMS.Assignments.ListForUser(e2eCtx(f.t), body.UserId, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, x := range all.Data {
		if x.Id == a.Id {
			return x
		}
	}
	f.t.Fatalf("assignment %s not listed for %s", a.Id, body.UserId)
	return client.Assignment{}
}
