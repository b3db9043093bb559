package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// rptRow is the comparable part of a compliance row.
type rptRow struct {
	UserID, Name, Status                   string
	StartAt, DueAt, StartedAt, CompletedAt *time.Time
	Score                                  *float64
}

func rptRows(t *testing.T, us []client.ComplianceUser) []rptRow {
	t.Helper()
	out := make([]rptRow, len(us))
	utc := func(p *time.Time) *time.Time {
		if p == nil {
			return nil
		}
		v := p.UTC()
		return &v
	}
	for i, u := range us {
		out[i] = rptRow{UserID: u.UserId, Name: u.Name, Status: string(u.Status), StartAt: utc(u.StartAt), DueAt: utc(u.DueAt),
			StartedAt: utc(u.StartedAt), CompletedAt: utc(u.CompletedAt), Score: u.Score}
	}
	return out
}

func TestE2EReportsCompliance(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	f := rptNewFix(t, env, "rpt-comp")
	admin := f.user("Admin", auth.RoleAdmin, false)
	manager := f.user("Manager", auth.RoleManager, false)
	learner := f.user("Learner", auth.RoleLearner, false)

	now := rptNow()
	score := func(v float64) *float64 { return &v }
	alice := f.user("Alice", auth.RoleLearner, false)
	bob := f.user("bob", auth.RoleLearner, false) // lower case: rows sort case-insensitively
	carol := f.user("Carol", auth.RoleLearner, false)
	dave := f.user("Dave", auth.RoleLearner, false)
	eve := f.user("Eve", auth.RoleLearner, false)
	frank := f.user("Frank", auth.RoleLearner, false)
	gina := f.user("Gina", auth.RoleLearner, true) // banned: left out
	hank := f.user("Hank", auth.RoleLearner, false)
	ivy := f.user("Ivy", auth.RoleLearner, false)

	course, _ := f.course(rptCourseSpec{Name: "OSHA confined spaces", Status: "published", Owner: admin.UUID})
	other, _ := f.course(rptCourseSpec{Name: "Other course", Status: "published", Owner: admin.UUID})
	empty, _ := f.course(rptCourseSpec{Name: "Nobody assigned", Status: "published", Owner: admin.UUID})
	deleted, _ := f.course(rptCourseSpec{Name: "Deleted", Status: "published", Owner: admin.UUID, Deleted: true})

	g1 := f.group("Warehouse", alice, bob, carol, dave, eve, gina, hank)
	g2 := f.group("Office", frank, ivy)

	type asg struct {
		u rptUser
		a rptAsg
		r rptRow
	}
	ts := func(d time.Duration) time.Time { return now.Add(d) }
	tp := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	cases := []asg{
		{alice, rptAsg{StartedAt: ts(-5 * rptDay), CompletedAt: ts(-2 * rptDay), DueAt: ts(10 * rptDay), Score: score(90), Points: 100},
			rptRow{Status: "completed", StartedAt: tp(-5 * rptDay), CompletedAt: tp(-2 * rptDay), DueAt: tp(10 * rptDay), Score: score(90)}},
		{bob, rptAsg{StartedAt: ts(-3 * rptDay), DueAt: ts(-1 * rptDay)},
			rptRow{Status: "overdue", StartedAt: tp(-3 * rptDay), DueAt: tp(-1 * rptDay)}},
		{carol, rptAsg{StartedAt: ts(-1 * rptDay), DueAt: ts(5 * rptDay)},
			rptRow{Status: "in_progress", StartedAt: tp(-1 * rptDay), DueAt: tp(5 * rptDay)}},
		{dave, rptAsg{}, rptRow{Status: "assigned"}},
		{eve, rptAsg{StartAt: ts(3 * rptDay), DueAt: ts(30 * rptDay)},
			rptRow{Status: "scheduled", StartAt: tp(3 * rptDay), DueAt: tp(30 * rptDay)}},
		{frank, rptAsg{StartedAt: ts(-9 * rptDay), CompletedAt: ts(-8 * rptDay)},
			rptRow{Status: "completed", StartedAt: tp(-9 * rptDay), CompletedAt: tp(-8 * rptDay)}},
		{gina, rptAsg{CompletedAt: ts(-1 * rptDay)}, rptRow{}},
		// Completed late: completed beats overdue.
		{ivy, rptAsg{StartedAt: ts(-12 * rptDay), CompletedAt: ts(-5 * rptDay), DueAt: ts(-10 * rptDay), Score: score(72.5)},
			rptRow{Status: "completed", StartedAt: tp(-12 * rptDay), CompletedAt: tp(-5 * rptDay), DueAt: tp(-10 * rptDay), Score: score(72.5)}},
	}
	rows := map[string]rptRow{}
	for _, c := range cases {
		f.assign(c.u, course, c.a)
		c.r.UserID, c.r.Name = c.u.ID, c.u.Name
		rows[c.u.Name] = c.r
	}
	f.assign(hank, other, rptAsg{}) // Hank is in the group but not on this course
	f.assign(alice, other, rptAsg{DueAt: ts(-1 * rptDay)})
	f.assign(alice, deleted, rptAsg{})
	pick := func(names ...string) []rptRow {
		out := make([]rptRow, len(names))
		for i, n := range names {
			out[i] = rows[n]
		}
		return out
	}
	courseID := typeid.Format(typeid.Course, course)
	g1ID, g2ID := typeid.Format(typeid.Group, g1), typeid.Format(typeid.Group, g2)

	t.Run("whole course", func(t *testing.T) {
		got, err := manager.Client.LMS.Statistics.Compliance(ctx, courseID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.CourseId != courseID || got.CourseName != "OSHA confined spaces" || got.GroupId != nil {
			t.Errorf("course = %s %q group %v", got.CourseId, got.CourseName, got.GroupId)
		}
		rptSame(t, "totals", client.ComplianceTotals{Assigned: 7, Completed: 3, InProgress: 1, NotStarted: 1, Overdue: 1, Scheduled: 1}, got.Totals)
		if got.CompletionPct != 42.9 { // 3 / 7
			t.Errorf("completionPct = %v, want 42.9", got.CompletionPct)
		}
		rptSame(t, "rows", pick("Alice", "bob", "Carol", "Dave", "Eve", "Frank", "Ivy"), rptRows(t, got.Users))
		if got.HasMore || got.NextPageToken != nil {
			t.Errorf("hasMore = %v, token %v", got.HasMore, got.NextPageToken)
		}
		for _, u := range got.Users {
			if _, err := typeid.Parse(typeid.Assignment, u.AssignmentId); err != nil || u.Email == "" || u.AssignedAt.IsZero() {
				t.Errorf("row %s: assignment %q email %q assignedAt %v", u.Name, u.AssignmentId, u.Email, u.AssignedAt)
			}
		}
	})

	t.Run("group scope", func(t *testing.T) {
		got, err := admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{GroupId: &g1ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.GroupId == nil || *got.GroupId != g1ID {
			t.Errorf("groupId = %v", got.GroupId)
		}
		rptSame(t, "totals", client.ComplianceTotals{Assigned: 5, Completed: 1, InProgress: 1, NotStarted: 1, Overdue: 1, Scheduled: 1}, got.Totals)
		if got.CompletionPct != 20 {
			t.Errorf("completionPct = %v, want 20", got.CompletionPct)
		}
		rptSame(t, "rows", pick("Alice", "bob", "Carol", "Dave", "Eve"), rptRows(t, got.Users))

		got, err = admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{GroupId: &g2ID})
		if err != nil {
			t.Fatal(err)
		}
		rptSame(t, "office totals", client.ComplianceTotals{Assigned: 2, Completed: 2}, got.Totals)
		if got.CompletionPct != 100 {
			t.Errorf("completionPct = %v, want 100", got.CompletionPct)
		}
		rptSame(t, "office rows", pick("Frank", "Ivy"), rptRows(t, got.Users))
	})

	t.Run("a member who leaves the group leaves its report", func(t *testing.T) {
		g := f.group("Temporary", alice, bob)
		gID := typeid.Format(typeid.Group, g)
		f.exec(`DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND user_id = $3`, f.tenant, g, bob.UUID)
		got, err := admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{GroupId: &gID})
		if err != nil {
			t.Fatal(err)
		}
		rptSame(t, "totals", client.ComplianceTotals{Assigned: 1, Completed: 1}, got.Totals)
		rptSame(t, "rows", pick("Alice"), rptRows(t, got.Users))
	})

	t.Run("status filter leaves the totals whole", func(t *testing.T) {
		st := client.ComplianceStatusCompleted
		got, err := admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{Status: &st})
		if err != nil {
			t.Fatal(err)
		}
		rptSame(t, "rows", pick("Alice", "Frank", "Ivy"), rptRows(t, got.Users))
		if got.Totals.Assigned != 7 {
			t.Errorf("totals.assigned = %d, want 7", got.Totals.Assigned)
		}
		st = client.ComplianceStatusOverdue
		got, err = admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{Status: &st, GroupId: &g2ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Users) != 0 {
			t.Errorf("overdue in office = %v, want none", rptRows(t, got.Users))
		}
		// An empty page still carries the group's totals.
		rptSame(t, "overdue in office totals", client.ComplianceTotals{Assigned: 2, Completed: 2}, got.Totals)
	})

	t.Run("pages", func(t *testing.T) {
		// Page sizes whose look-ahead LIMIT is a parameter (3 → 4, 7 → 8: the last page
		// holds exactly the limit) and one written as a literal (1 → 2), each with a token.
		for _, c := range []struct{ limit, pages int }{{3, 3}, {1, 7}, {7, 1}} {
			var names []string
			var tok *string
			pages := 0
			for {
				got, err := admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{Limit: e2ePtr(c.limit), PageToken: tok})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				if got.Totals.Assigned != 7 || got.CompletionPct != 42.9 {
					t.Errorf("limit %d page %d totals = %+v %v", c.limit, pages, got.Totals, got.CompletionPct)
				}
				for _, u := range got.Users {
					names = append(names, u.Name)
				}
				if got.HasMore != (got.NextPageToken != nil) {
					t.Fatalf("hasMore %v with token %v", got.HasMore, got.NextPageToken)
				}
				if !got.HasMore || pages > 10 {
					break
				}
				tok = got.NextPageToken
			}
			rptSame(t, "names", []string{"Alice", "bob", "Carol", "Dave", "Eve", "Frank", "Ivy"}, names)
			if pages != c.pages {
				t.Errorf("limit %d: pages = %d, want %d", c.limit, pages, c.pages)
			}
		}
		// A token is bound to its course and filters.
		first, err := admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{Limit: e2ePtr(1)})
		if err != nil || first.NextPageToken == nil {
			t.Fatalf("first page: %v", err)
		}
		_, err = admin.Client.LMS.Statistics.Compliance(ctx, typeid.Format(typeid.Course, other), &client.GetComplianceStatusParams{PageToken: first.NextPageToken})
		e2eSdkErr(t, err, http.StatusBadRequest, "token of another course")
		_, err = admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{GroupId: &g1ID, PageToken: first.NextPageToken})
		e2eSdkErr(t, err, http.StatusBadRequest, "token with other filters")
		bad := *first.NextPageToken + "x"
		_, err = admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{PageToken: &bad})
		e2eSdkErr(t, err, http.StatusBadRequest, "tampered token")
		_, err = admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{Limit: e2ePtr(251)})
		e2eSdkErr(t, err, http.StatusBadRequest, "limit 251")
		got, err := admin.Client.LMS.Statistics.Compliance(ctx, courseID, &client.GetComplianceStatusParams{Limit: e2ePtr(250)})
		if err != nil || len(got.Users) != 7 {
			t.Errorf("limit 250: %v, %d rows", err, len(got.Users))
		}
	})

	t.Run("nobody assigned", func(t *testing.T) {
		got, err := admin.Client.LMS.Statistics.Compliance(ctx, typeid.Format(typeid.Course, empty), nil)
		if err != nil {
			t.Fatal(err)
		}
		rptSame(t, "totals", client.ComplianceTotals{}, got.Totals)
		if got.CompletionPct != 0 || len(got.Users) != 0 || got.HasMore {
			t.Errorf("empty course: pct %v users %d hasMore %v", got.CompletionPct, len(got.Users), got.HasMore)
		}
	})

	t.Run("not found", func(t *testing.T) {
		otherTenant := rptNewFix(t, env, "rpt-comp-other")
		stranger := otherTenant.user("Stranger", auth.RoleAdmin, false)
		foreignCourse, _ := otherTenant.course(rptCourseSpec{Name: "Foreign", Status: "published", Owner: stranger.UUID})
		foreignGroup := typeid.Format(typeid.Group, otherTenant.group("Foreign group"))
		unknownGroup := typeid.Format(typeid.Group, uuid.Must(uuid.NewV7()))
		for _, c := range []struct {
			name   string
			caller rptUser
			course string
			group  *string
		}{
			{"unknown course", admin, typeid.Format(typeid.Course, uuid.Must(uuid.NewV7())), nil},
			{"deleted course", admin, typeid.Format(typeid.Course, deleted), nil},
			{"another tenant's course", admin, typeid.Format(typeid.Course, foreignCourse), nil},
			{"our course from another tenant", stranger, courseID, nil},
			{"unknown group", admin, courseID, &unknownGroup},
			{"another tenant's group", admin, courseID, &foreignGroup},
		} {
			_, err := c.caller.Client.LMS.Statistics.Compliance(ctx, c.course, &client.GetComplianceStatusParams{GroupId: c.group})
			e2eSdkErr(t, err, http.StatusNotFound, c.name)
		}
	})

	t.Run("permissions", func(t *testing.T) {
		_, err := learner.Client.LMS.Statistics.Compliance(ctx, courseID, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner")
		// The permission is checked before the course is looked up: no existence leak.
		_, err = learner.Client.LMS.Statistics.Compliance(ctx, typeid.Format(typeid.Course, uuid.Must(uuid.NewV7())), nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner, unknown course")
		writeOnly := f.user("Write only", auth.RoleAdmin, false, auth.ScopeWrite)
		_, err = writeOnly.Client.LMS.Statistics.Compliance(ctx, courseID, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "no read scope")
		owner := f.user("Owner", auth.RoleOwner, false, auth.ScopeRead)
		if _, err := owner.Client.LMS.Statistics.Compliance(ctx, courseID, nil); err != nil {
			t.Errorf("owner with read scope: %v", err)
		}
	})
}
