package server_test

import (
	"slices"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EDryRun: dryRun=true on every write the MCP tools make answers what the call
// would do (the same answer as the real call) and stores, audits and mails nothing.
func TestE2EDryRun(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	admin := f.user(auth.RoleAdmin)
	l1, l2, l3 := f.user(auth.RoleLearner), f.user(auth.RoleLearner), f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	c := f.course(admin, asgCourseSpec{Name: "Confined Spaces"})
	c2 := f.course(admin, asgCourseSpec{Name: "Forklift"})
	group, _ := f.group(l1, l2)
	chain := f.chain(admin, c, c2)
	due := asgTime(48 * time.Hour)
	dry := new(true)
	api := admin.Client.LMS

	// What is stored and sent, checked after each dry run.
	state := func() [3]int {
		return [3]int{
			f.count(`SELECT count(*) FROM assignments WHERE tenant_id = 'acme'`),
			f.count(`SELECT count(*) FROM audit_log WHERE tenant_id = 'acme'`),
			f.count(`SELECT count(*) FROM mail_outbox WHERE tenant_id = 'acme'`),
		}
	}
	before := state()
	unchanged := func(what string) {
		t.Helper()
		if now := state(); now != before {
			t.Errorf("%s: assignments, audit rows, mails %v → %v", what, before, now)
		}
	}

	a, err := api.Assignments.AssignUser(ctx, c.ID, &client.AssignCourseToUserParams{DryRun: dry}, client.AssignUserRequest{UserId: l3.ID, DueAt: &due})
	if err != nil || a.UserId != l3.ID || a.CourseId != c.ID || a.DueAt == nil || !a.DueAt.Equal(due) || a.Status != client.AssignmentStatusAssigned {
		t.Errorf("dry assign user = %+v, %v", a, err)
	}
	unchanged("assign user")
	g, err := api.Assignments.AssignGroups(ctx, c.ID, &client.AssignCourseToGroupsParams{DryRun: dry}, client.AssignGroupsRequest{Groups: []string{group}, DueAt: &due})
	if err != nil || g.Assigned != 2 || len(g.Groups) != 1 || g.Groups[0].Members != 2 || g.Groups[0].AssignedUsers == nil ||
		!slices.Equal(slices.Sorted(slices.Values(*g.Groups[0].AssignedUsers)), slices.Sorted(slices.Values([]string{l1.ID, l2.ID}))) {
		t.Errorf("dry assign groups = %+v, %v", g, err)
	}
	unchanged("assign groups")
	ch, err := api.Assignments.AssignChain(ctx, chain, &client.AssignCourseChainParams{DryRun: dry}, client.AssignChainRequest{Users: &[]string{l3.ID}})
	if err != nil || ch.Assigned != 2 {
		t.Errorf("dry assign chain = %+v, %v", ch, err)
	}
	unchanged("assign chain")
	b, err := api.Users.Ban(ctx, &client.BanUserParams{DryRun: dry}, client.UserBan{UserId: l1.ID})
	if err != nil || b.Status != client.UserStatusBanned {
		t.Errorf("dry ban = %+v, %v", b, err)
	}
	unchanged("ban")
	if u, err := api.Users.Get(ctx, l1.ID); err != nil || u.Status != client.UserStatusActive {
		t.Errorf("after a dry ban: %+v, %v", u, err)
	}
	e, err := api.Users.ChangeEmail(ctx, l2.ID, &client.ChangeUserEmailParams{DryRun: dry}, client.UserEmailChange{Email: "new.address@acme.test"})
	if err != nil || e.Email != "new.address@acme.test" {
		t.Errorf("dry email change = %+v, %v", e, err)
	}
	unchanged("email change")
	if u, err := api.Users.Get(ctx, l2.ID); err != nil || u.Email != l2.Email {
		t.Errorf("after a dry email change: %+v, %v", u, err)
	}
	cl, err := api.Courses.Clone(ctx, &client.CloneCourseParams{DryRun: dry}, client.CourseClone{CourseId: c.ID})
	if err != nil || cl.Name == "" || cl.Status != client.CourseStatusDraft {
		t.Errorf("dry clone = %+v, %v", cl, err)
	}
	if n := f.count(`SELECT count(*) FROM courses WHERE tenant_id = 'acme'`); n != 2 {
		t.Errorf("%d courses after a dry clone, want 2", n)
	}

	// The real call answers as its dry run did; a refused call is refused alike.
	real, err := api.Assignments.AssignGroups(ctx, c.ID, nil, client.AssignGroupsRequest{Groups: []string{group}, DueAt: &due})
	if err != nil || real.Assigned != g.Assigned || real.AlreadyAssigned != g.AlreadyAssigned {
		t.Errorf("real assign groups = %+v, %v (dry %+v)", real, err, g)
	}
	asg, err := api.Assignments.ListForUser(ctx, l1.ID, nil)
	if err != nil || len(asg.Data) != 1 {
		t.Fatalf("l1's assignments = %+v, %v", asg, err)
	}
	later := asgTime(96 * time.Hour)
	x, err := api.Assignments.ExtendDeadline(ctx, asg.Data[0].Id, &client.ExtendAssignmentDeadlineParams{DryRun: dry}, client.DeadlineExtension{DueAt: later})
	if err != nil || x.DueAt == nil || !x.DueAt.Equal(later) {
		t.Errorf("dry extend = %+v, %v", x, err)
	}
	r, err := api.Assignments.SendReminders(ctx, c.ID, &client.SendCourseRemindersParams{DryRun: dry}, client.ReminderRequest{UserIds: &[]string{l1.ID}})
	if err != nil || r.Sent != 1 {
		t.Errorf("dry reminders = %+v, %v", r, err)
	}
	before = state()
	_, err = api.Assignments.ExtendDeadline(ctx, asg.Data[0].Id, &client.ExtendAssignmentDeadlineParams{DryRun: dry}, client.DeadlineExtension{DueAt: asgTime(time.Hour)})
	asgStatus(t, err, 422, "validation_failed", "dry extend to an earlier deadline")
	unchanged("extend and reminders")
	if got, err := api.Assignments.ListForUser(ctx, l1.ID, nil); err != nil || !got.Data[0].DueAt.Equal(due) {
		t.Errorf("after a dry extend: %+v, %v", got, err)
	}
}
