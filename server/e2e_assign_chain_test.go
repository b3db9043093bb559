package server_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EAssignChain: only the chain's owner may assign it (an admin who does not own it
// gets 403, a learner 403, another tenant 404); assigning assigns every course in order
// under the chain's deadline, the second course is locked (progress on it is a 409
// locked) until the first is completed, and group members get the chain too.
func TestE2EAssignChain(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	owner := f.user(auth.RoleManager)
	admin := f.user(auth.RoleAdmin)
	learner := f.user(auth.RoleLearner)
	member := f.user(auth.RoleLearner)
	c1 := f.course(owner, asgCourseSpec{Name: "Step 1"})
	c2 := f.course(owner, asgCourseSpec{Name: "Step 2"})
	chain := f.chain(owner, c1, c2)
	grp, _ := f.group(member)
	ctx := e2eCtx(t)
	due := asgTime(45 * 24 * time.Hour)
	body := client.AssignChainRequest{Users: &[]string{learner.ID}, DueAt: &due}

	_, err := admin.Client.LMS.Assignments.AssignChain(ctx, chain, nil, body)
	asgStatus(t, err, http.StatusForbidden, "forbidden", "admin who does not own the chain")
	_, err = learner.Client.LMS.Assignments.AssignChain(ctx, chain, nil, body)
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner")
	_, err = g.user(auth.RoleOwner).Client.LMS.Assignments.AssignChain(ctx, chain, nil, body)
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant")
	_, err = owner.Client.LMS.Assignments.AssignChain(ctx, chain, nil, client.AssignChainRequest{})
	asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "nobody named")
	if n := f.count(`SELECT count(*) FROM assignments`); n != 0 {
		t.Fatalf("%d assignments after refused chain assigns", n)
	}

	res, err := owner.Client.LMS.Assignments.AssignChain(ctx, chain, nil, client.AssignChainRequest{Users: &[]string{learner.ID}, Groups: &[]string{grp}, DueAt: &due})
	if err != nil {
		t.Fatal(err)
	}
	if res.ChainId != chain || !slices.Equal(res.CourseIds, []string{c1.ID, c2.ID}) || !slices.Equal(res.Users, []string{learner.ID, member.ID}) ||
		res.Assigned != 4 || res.AlreadyAssigned != 0 {
		t.Errorf("chain assignment = %+v", res)
	}
	a := f.auditFor("chain.assign", chain)
	if a.After["assigned"] != float64(4) || a.ActorID == nil || *a.ActorID != owner.UUID {
		t.Errorf("chain audit = %+v", a)
	}
	if n := len(f.audits("assignment.create")); n != 4 {
		t.Errorf("%d assignment.create audits, want 4", n)
	}

	list, err := learner.Client.LMS.Assignments.ListMine(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	byCourse := map[string]client.Assignment{}
	for _, x := range list.Data {
		byCourse[x.CourseId] = x
	}
	s1, s2 := byCourse[c1.ID], byCourse[c2.ID]
	if len(list.Data) != 2 || s1.ChainId == nil || *s1.ChainId != chain || s1.ChainPosition == nil || *s1.ChainPosition != 1 || s1.Locked ||
		s2.ChainPosition == nil || *s2.ChainPosition != 2 || !s2.Locked || s2.DueAt == nil || !s2.DueAt.Equal(due) {
		t.Errorf("chain assignments = %+v", list.Data)
	}

	// Locked until step 1 is done.
	_, err = learner.Client.LMS.Progress.Record(ctx, c2.ID, client.ProgressRecord{ElementId: c2.Elements[0], Completed: e2ePtr(true)})
	asgStatus(t, err, http.StatusConflict, "locked", "progress on the locked course")
	p, err := learner.Client.LMS.Progress.Record(ctx, c1.ID, client.ProgressRecord{ElementId: c1.Elements[0], Completed: e2ePtr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != client.AssignmentStatusCompleted {
		t.Errorf("step 1 after its only lesson: %s", p.Status)
	}
	p, err = learner.Client.LMS.Progress.Record(ctx, c2.ID, client.ProgressRecord{ElementId: c2.Elements[0], Completed: e2ePtr(true)})
	if err != nil {
		t.Fatalf("step 2 after step 1: %v", err)
	}
	if p.Status != client.AssignmentStatusCompleted || p.Locked {
		t.Errorf("step 2 = %+v", p)
	}
	// The group member's step 2 is still locked: locking is per learner.
	ml, err := member.Client.LMS.Assignments.ListMine(ctx, &client.ListMyAssignmentsParams{Status: e2ePtr(client.AssignmentStatusAssigned)})
	if err != nil {
		t.Fatal(err)
	}
	locked := 0
	for _, x := range ml.Data {
		if x.GroupId == nil || *x.GroupId != grp {
			t.Errorf("member's chain assignment without the group: %+v", x)
		}
		if x.Locked {
			locked++
		}
	}
	if len(ml.Data) != 2 || locked != 1 {
		t.Errorf("member's assignments = %+v, want 2 with 1 locked", ml.Data)
	}

	// A chain holding a draft course cannot be assigned.
	draft := f.course(owner, asgCourseSpec{Status: "draft"})
	bad := f.chain(owner, c1, draft)
	_, err = owner.Client.LMS.Assignments.AssignChain(ctx, bad, nil, client.AssignChainRequest{Users: &[]string{f.user(auth.RoleLearner).ID}})
	asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "chain with a draft course")
}
