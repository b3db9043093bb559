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

// TestE2EAssignGroup: assigning a course to a group assigns every active member (banned
// ones are skipped), counts those who already held it, records the group assignment with
// before/after in the audit log, and reaches a member added to the group later (by the
// database trigger), who then shows in the group's and the user's lists.
func TestE2EAssignGroup(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	a, b := f.user(auth.RoleLearner), f.user(auth.RoleLearner)
	banned := f.bannedUser()
	c := f.course(mgr, asgCourseSpec{Name: "Warehouse Safety"})
	grp, grpU := f.group(a, b, banned)
	ctx := e2eCtx(t)

	// b already holds the course individually.
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: b.ID})

	due := asgTime(30 * 24 * time.Hour)
	res, err := mgr.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{grp}, DueAt: &due})
	if err != nil {
		t.Fatal(err)
	}
	want := client.GroupAssignmentCount{GroupId: grp, Members: 3, Assigned: 1, AlreadyAssigned: 1, Skipped: 1}
	if res.CourseId != c.ID || res.Assigned != 1 || res.AlreadyAssigned != 1 || len(res.Groups) != 1 {
		t.Fatalf("group assignment = %+v, want one group %+v", res, want)
	}
	// Who was assigned (a) and who was skipped (the banned member), by id.
	got := res.Groups[0]
	if got.AssignedUsers == nil || !slices.Equal(*got.AssignedUsers, []string{a.ID}) || got.SkippedUsers == nil || !slices.Equal(*got.SkippedUsers, []string{banned.ID}) {
		t.Errorf("assigned %v, skipped %v; want [%s], [%s]", got.AssignedUsers, got.SkippedUsers, a.ID, banned.ID)
	}
	got.AssignedUsers, got.SkippedUsers = nil, nil
	if got != want {
		t.Errorf("group counts = %+v, want %+v", got, want)
	}
	if n := f.count(`SELECT count(*) FROM assignments WHERE tenant_id = 'acme' AND user_id = $1`, banned.UUID); n != 0 {
		t.Errorf("the banned member got %d assignments", n)
	}
	if n := len(f.mails("assignment")); n != 2 { // b's individual one, a's from the group
		t.Errorf("%d assignment mails, want 2", n)
	}
	first := f.auditFor("group.assign_course", grp)
	if first.Before != nil || first.After["courseId"] != c.ID || first.After["dueAt"] != due.Format(time.RFC3339) {
		t.Errorf("group audit = %+v", first)
	}

	// Again with a new deadline: nothing new for the members; the group's record changes.
	due2 := asgTime(45 * 24 * time.Hour)
	res, err = mgr.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{grp}, DueAt: &due2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assigned != 0 || res.AlreadyAssigned != 2 {
		t.Errorf("second group assignment = %+v, want 0 new and 2 already assigned", res)
	}
	audits := f.audits("group.assign_course")
	if len(audits) != 2 || audits[1].Before["dueAt"] != due.Format(time.RFC3339) || audits[1].After["dueAt"] != due2.Format(time.RFC3339) {
		t.Errorf("second group audit = %+v", audits)
	}

	// A member who joins later gets the course, with the group's current deadline.
	late := f.user(auth.RoleLearner)
	f.addMember(grpU, late)
	mine, err := late.Client.LMS.Assignments.ListMine(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Data) != 1 || mine.Data[0].CourseId != c.ID || mine.Data[0].GroupId == nil || *mine.Data[0].GroupId != grp ||
		mine.Data[0].DueAt == nil || !mine.Data[0].DueAt.Equal(due2) {
		t.Errorf("late member's assignments = %+v", mine.Data)
	}
	list, err := mgr.Client.LMS.Assignments.ListForGroup(ctx, grp, nil)
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, x := range list.Data {
		users = append(users, x.UserId)
		if x.CourseId != c.ID || x.CourseName != "Warehouse Safety" {
			t.Errorf("group list row = %+v", x)
		}
	}
	slices.Sort(users)
	wantUsers := []string{a.ID, b.ID, late.ID}
	slices.Sort(wantUsers)
	if !slices.Equal(users, wantUsers) {
		t.Errorf("group list users = %v, want %v", users, wantUsers)
	}
	byUser, err := mgr.Client.LMS.Assignments.ListForUser(ctx, late.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(byUser.Data) != 1 || byUser.Data[0].Id != mine.Data[0].Id {
		t.Errorf("user list = %+v", byUser.Data)
	}
}

// TestE2EAssignGroupRefused: group assignment needs group_assign (a learner gets 403),
// another tenant's course is 404, and unknown groups or a draft course are 422 with
// nothing written.
func TestE2EAssignGroupRefused(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	c := f.course(mgr, asgCourseSpec{})
	draft := f.course(mgr, asgCourseSpec{Status: "draft"})
	grp, _ := f.group(learner)
	foreign := g.user(auth.RoleOwner)
	foreignGrp, _ := g.group(foreign)
	ctx := e2eCtx(t)

	_, err := learner.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{grp}})
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner")
	_, err = foreign.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{foreignGrp}})
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant's course")
	_, err = mgr.Client.LMS.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{grp, foreignGrp}})
	e := asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "other tenant's group")
	if got := asgPointers(e.Problem); !slices.Equal(got, []string{"/groups/1"}) {
		t.Errorf("pointers %v, want [/groups/1]", got)
	}
	_, err = mgr.Client.LMS.Assignments.AssignGroups(ctx, draft.ID, nil, client.AssignGroupsRequest{Groups: []string{grp}})
	asgStatus(t, err, http.StatusUnprocessableEntity, "validation_failed", "draft course")
	for _, table := range []string{"assignments", "group_course_assignments", "audit_log"} {
		if n := f.count(`SELECT count(*) FROM ` + table); n != 0 {
			t.Errorf("%d rows in %s, want 0", n, table)
		}
	}
}
