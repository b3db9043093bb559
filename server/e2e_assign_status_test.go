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

// TestE2EAssignStatuses: one learner holds an assignment in every status — scheduled
// (future start), assigned, in_progress, completed and overdue (past deadline) — and the
// lists show each status, filter by it, page through with limit and pageToken, and show
// the learner their own (scheduled ones included).
func TestE2EAssignStatuses(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	mgr := f.user(auth.RoleManager)
	learner := f.user(auth.RoleLearner)
	ctx := e2eCtx(t)
	two := []asgElement{{Kind: "lesson"}, {Kind: "lesson"}}
	courses := map[client.AssignmentStatus]asgCourse{}
	for _, st := range []client.AssignmentStatus{client.AssignmentStatusScheduled, client.AssignmentStatusAssigned,
		client.AssignmentStatusInProgress, client.AssignmentStatusCompleted, client.AssignmentStatusOverdue} {
		courses[st] = f.course(mgr, asgCourseSpec{Name: string(st), Elements: two})
	}
	future, past := asgTime(72*time.Hour), asgTime(-time.Hour)
	bodies := map[client.AssignmentStatus]client.AssignUserRequest{
		client.AssignmentStatusScheduled:  {UserId: learner.ID, StartAt: &future},
		client.AssignmentStatusAssigned:   {UserId: learner.ID},
		client.AssignmentStatusInProgress: {UserId: learner.ID},
		client.AssignmentStatusCompleted:  {UserId: learner.ID, DueAt: &future},
		client.AssignmentStatusOverdue:    {UserId: learner.ID, DueAt: &past},
	}
	ids := map[client.AssignmentStatus]string{}
	for st, body := range bodies {
		if st == client.AssignmentStatusOverdue { // a past deadline is refused on create
			ids[st] = f.mustAssignOverdue(mgr.Client, courses[st].ID, body).Id
			continue
		}
		ids[st] = asgMustAssign(t, mgr.Client, courses[st].ID, body).Id
	}
	rec := func(c asgCourse, el int) {
		t.Helper()
		if _, err := learner.Client.LMS.Progress.Record(ctx, c.ID, client.ProgressRecord{ElementId: c.Elements[el], Completed: e2ePtr(true)}); err != nil {
			t.Fatalf("progress on %s: %v", c.Name, err)
		}
	}
	rec(courses[client.AssignmentStatusInProgress], 0)
	rec(courses[client.AssignmentStatusCompleted], 0)
	rec(courses[client.AssignmentStatusCompleted], 1)

	// Progress on the scheduled one is refused until it starts.
	sch := courses[client.AssignmentStatusScheduled]
	_, err := learner.Client.LMS.Progress.Record(ctx, sch.ID, client.ProgressRecord{ElementId: sch.Elements[0], Completed: e2ePtr(true)})
	asgStatus(t, err, http.StatusConflict, "not_started", "progress before the start")

	all, err := mgr.Client.LMS.Assignments.ListForUser(ctx, learner.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Data) != 5 || all.HasMore || all.NextPageToken != nil {
		t.Fatalf("list = %d rows, hasMore %v", len(all.Data), all.HasMore)
	}
	got := map[string]client.Assignment{}
	for _, a := range all.Data {
		got[a.Id] = a
	}
	wantPct := map[client.AssignmentStatus]int{client.AssignmentStatusInProgress: 50, client.AssignmentStatusCompleted: 100}
	for st, id := range ids {
		a := got[id]
		if a.Status != st || a.ProgressPct != wantPct[st] || a.UserName == "" || a.CourseName != string(st) {
			t.Errorf("%s: listed as %+v", st, a)
		}
		if st == client.AssignmentStatusCompleted && (a.CompletedAt == nil || a.StartedAt == nil) {
			t.Errorf("completed assignment lacks its stamps: %+v", a)
		}
		if st == client.AssignmentStatusInProgress && (a.StartedAt == nil || a.CompletedAt != nil) {
			t.Errorf("in-progress assignment stamps: %+v", a)
		}
	}
	// Newest first.
	for i := 1; i < len(all.Data); i++ {
		if all.Data[i-1].Id < all.Data[i].Id {
			t.Errorf("list not newest first: %s before %s", all.Data[i-1].Id, all.Data[i].Id)
		}
	}

	for st, id := range ids {
		page, err := mgr.Client.LMS.Assignments.ListForUser(ctx, learner.ID, &client.ListUserAssignmentsParams{Status: e2ePtr(st)})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Data) != 1 || page.Data[0].Id != id {
			t.Errorf("status=%s lists %d rows, want only %s", st, len(page.Data), id)
		}
	}

	// Paging: limit 2 walks all five, each once, in the same order.
	var walked []string
	for a, err := range mgr.Client.LMS.Assignments.ListForUserAll(ctx, learner.ID, &client.ListUserAssignmentsParams{Limit: e2ePtr(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, a.Id)
	}
	var listed []string
	for _, a := range all.Data {
		listed = append(listed, a.Id)
	}
	if !slices.Equal(walked, listed) {
		t.Errorf("paged walk %v, want %v", walked, listed)
	}
	first, err := mgr.Client.LMS.Assignments.ListForUser(ctx, learner.ID, &client.ListUserAssignmentsParams{Limit: e2ePtr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if !first.HasMore || first.NextPageToken == nil {
		t.Fatalf("first page of 2: hasMore %v token %v", first.HasMore, first.NextPageToken)
	}
	// A token is bound to its list and filters.
	_, err = mgr.Client.LMS.Assignments.ListForUser(ctx, learner.ID, &client.ListUserAssignmentsParams{Limit: e2ePtr(2), PageToken: first.NextPageToken,
		Status: e2ePtr(client.AssignmentStatusOverdue)})
	asgStatus(t, err, http.StatusBadRequest, "", "token with other filters")
	_, err = mgr.Client.LMS.Assignments.ListForUser(ctx, mgr.ID, &client.ListUserAssignmentsParams{PageToken: first.NextPageToken})
	asgStatus(t, err, http.StatusBadRequest, "", "token of another user's list")

	// The learner's own view: the same five, the scheduled one flagged with its start.
	mine, err := learner.Client.LMS.Assignments.ListMine(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Data) != 5 {
		t.Errorf("my assignments: %d, want 5", len(mine.Data))
	}
	for _, a := range mine.Data {
		if a.Id == ids[client.AssignmentStatusScheduled] && (a.Status != client.AssignmentStatusScheduled || a.StartAt == nil || !a.StartAt.Equal(future)) {
			t.Errorf("my scheduled assignment = %+v", a)
		}
	}
	own, err := learner.Client.LMS.Assignments.ListForUser(ctx, learner.ID, nil)
	if err != nil || len(own.Data) != 5 {
		t.Errorf("learner listing their own: %v, %d rows", err, len(own.Data))
	}
	// The manager, who has none, gets an empty list.
	empty, err := mgr.Client.LMS.Assignments.ListMine(ctx, nil)
	if err != nil || len(empty.Data) != 0 || empty.HasMore {
		t.Errorf("manager's own list: %v %+v", err, empty)
	}
}

// TestE2EAssignListPermissions: a learner reads their own assignments but not another
// user's (403) nor a group's (403); a manager reads both; users and groups of another
// tenant are 404, and so is an unknown user.
func TestE2EAssignListPermissions(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := asgWorld(t, env, "acme")
	g := asgWorld(t, env, "globex")
	mgr := f.user(auth.RoleManager)
	learner, other := f.user(auth.RoleLearner), f.user(auth.RoleLearner)
	grp, _ := f.group(learner, other)
	foreign := g.user(auth.RoleOwner)
	foreignGrp, _ := g.group(foreign)
	c := f.course(mgr, asgCourseSpec{})
	asgMustAssign(t, mgr.Client, c.ID, client.AssignUserRequest{UserId: other.ID})
	ctx := e2eCtx(t)

	_, err := learner.Client.LMS.Assignments.ListForUser(ctx, other.ID, nil)
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner reading another user's")
	_, err = learner.Client.LMS.Assignments.ListForGroup(ctx, grp, nil)
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner reading a group's")
	_, err = learner.Client.LMS.Certificates.List(ctx, other.ID, nil)
	asgStatus(t, err, http.StatusForbidden, "forbidden", "learner reading another user's certificates")
	if l, err := mgr.Client.LMS.Assignments.ListForUser(ctx, other.ID, nil); err != nil || len(l.Data) != 1 {
		t.Errorf("manager reading a learner's: %v", err)
	}
	_, err = foreign.Client.LMS.Assignments.ListForUser(ctx, other.ID, nil)
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant's user")
	_, err = foreign.Client.LMS.Assignments.ListForGroup(ctx, grp, nil)
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant's group")
	_, err = mgr.Client.LMS.Assignments.ListForGroup(ctx, foreignGrp, nil)
	asgStatus(t, err, http.StatusNotFound, "not_found", "group of the other tenant")
	_, err = foreign.Client.LMS.Certificates.List(ctx, other.ID, nil)
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant's user's certificates")
	// Another tenant's learner asking for progress on this tenant's course: not assigned.
	_, err = g.user(auth.RoleLearner).Client.LMS.Progress.Get(ctx, c.ID, nil)
	asgStatus(t, err, http.StatusNotFound, "not_found", "other tenant's course progress")
	// A read-only token can list but not write.
	ro := f.user(auth.RoleManager, auth.ScopeRead)
	if _, err := ro.Client.LMS.Assignments.ListForUser(ctx, other.ID, nil); err != nil {
		t.Errorf("read scope listing: %v", err)
	}
	_, err = ro.Client.LMS.Assignments.SendReminders(ctx, c.ID, nil, client.ReminderRequest{})
	asgStatus(t, err, http.StatusForbidden, "forbidden", "read scope reminding")
}
