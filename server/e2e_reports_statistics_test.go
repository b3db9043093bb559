package server_test

import (
	"net/http"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2EReportsStatistics checks every statistics scope on one hand-built tenant. The
// window is 2025-03-01 … 2025-03-03 (whole days, UTC); statuses are relative to now.
func TestE2EReportsStatistics(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	f := rptNewFix(t, env, "rpt-stats")
	d := func(s string) time.Time { return rptDate(t, s) }
	dp := func(s string) *time.Time { v := rptDate(t, s); return &v }
	now := rptNow()
	ago := func(days int) time.Time { return now.Add(time.Duration(days) * -rptDay) }
	ahead := func(days int) time.Time { return now.Add(time.Duration(days) * rptDay) }

	// Users: 5 in all, 4 active, 1 banned.
	admin := f.user("Admin", auth.RoleAdmin, false)
	l1 := f.user("Lena", auth.RoleLearner, false)
	l2 := f.user("Lars", auth.RoleLearner, false)
	l3 := f.user("Liv", auth.RoleLearner, false)
	l4 := f.user("Lou", auth.RoleLearner, true)

	// Courses: 5 live (2 published, 2 draft, 1 archived) and one deleted.
	p1, p1el := f.course(rptCourseSpec{Name: "Forklift safety", Status: "published", Tags: []string{"safety", "compliance"}, Owner: admin.UUID,
		CreatedAt: d("2025-03-01T10:00:00Z"), PublishedAt: dp("2025-03-02T09:00:00Z")})
	p2, p2el := f.course(rptCourseSpec{Name: "Data privacy", Status: "published", Tags: []string{"compliance"}, Owner: l1.UUID,
		CreatedAt: d("2025-02-10T10:00:00Z"), PublishedAt: dp("2025-03-03T23:30:00Z")})
	p3, _ := f.course(rptCourseSpec{Name: "Draft at midnight", Owner: admin.UUID, CreatedAt: d("2025-03-01T00:00:00Z")})
	d1, _ := f.course(rptCourseSpec{Name: "Onboarding", Tags: []string{"onboarding"}, Owner: l1.UUID, CreatedAt: d("2025-03-03T01:00:00Z")})
	ar, _ := f.course(rptCourseSpec{Name: "Archived ethics", Status: "archived", Owner: admin.UUID,
		CreatedAt: d("2025-01-05T10:00:00Z"), PublishedAt: dp("2025-03-04T00:00:00Z")})
	x, _ := f.course(rptCourseSpec{Name: "Deleted", Status: "published", Tags: []string{"safety"}, Owner: admin.UUID,
		CreatedAt: d("2025-03-02T10:00:00Z"), PublishedAt: dp("2025-03-02T11:00:00Z"), Deleted: true})
	_ = p3

	// Assignments of active users on live courses: 9 (3 completed, 3 overdue, 1 not
	// started, 1 in progress, 1 scheduled); the banned user's and the deleted course's
	// never count.
	f.assign(l1, p1, rptAsg{CreatedAt: d("2025-02-20T10:00:00Z"), StartedAt: d("2025-03-01T08:00:00Z"), CompletedAt: d("2025-03-02T12:00:00Z"), Points: 50})
	f.assign(l2, p1, rptAsg{CreatedAt: d("2025-03-01T09:00:00Z"), StartedAt: d("2025-03-02T10:00:00Z"), CompletedAt: d("2025-03-03T23:59:59Z"), Points: 30})
	f.assign(l3, p1, rptAsg{CreatedAt: d("2025-03-02T10:00:00Z"), StartedAt: d("2025-03-03T05:00:00Z"), DueAt: ago(1)})
	f.assign(l1, p2, rptAsg{CreatedAt: d("2025-03-03T10:00:00Z"), DueAt: ahead(10)})
	f.assign(l2, p2, rptAsg{CreatedAt: d("2025-02-01T10:00:00Z"), StartedAt: d("2025-02-15T10:00:00Z")})
	f.assign(l3, p2, rptAsg{CreatedAt: d("2025-03-04T00:00:00Z"), StartAt: ahead(5)})
	f.assign(l3, ar, rptAsg{CreatedAt: d("2025-01-10T10:00:00Z"), StartedAt: d("2025-03-04T10:00:00Z"), CompletedAt: d("2025-03-05T10:00:00Z"), Points: 20})
	f.assign(l2, ar, rptAsg{CreatedAt: d("2025-01-15T10:00:00Z"), DueAt: ago(2)})
	f.assign(l2, d1, rptAsg{CreatedAt: d("2025-01-15T10:00:00Z"), DueAt: ago(3)})
	f.assign(l4, p1, rptAsg{CreatedAt: d("2025-03-01T10:00:00Z"), StartedAt: d("2025-03-01T11:00:00Z"), CompletedAt: d("2025-03-02T10:00:00Z"), Points: 100})
	f.assign(l4, p2, rptAsg{CreatedAt: d("2025-03-01T10:00:00Z"), DueAt: ago(1)})
	f.assign(l1, x, rptAsg{CreatedAt: d("2025-03-02T10:00:00Z"), StartedAt: d("2025-03-02T10:30:00Z"), CompletedAt: d("2025-03-02T11:00:00Z"), Points: 70})

	// Progress: Lars on 03-02 (he also starts P1 that day); Liv just before the window; the
	// banned Lou inside it.
	f.progress(l2, p2, p2el, d("2025-03-02T07:00:00Z"))
	f.progress(l3, p1, p1el, d("2025-02-28T23:59:59Z"))
	f.progress(l4, p1, p1el, d("2025-03-01T12:00:00Z"))

	// Certificates: one issued in the window (and expiring within 90 days); Lou's (banned)
	// never count; Lars's issued just before the window expires in 100 days; Liv's expired.
	f.certificate(l1, p1, d("2025-03-02T12:00:00Z"), e2ePtr(ahead(30)))
	f.certificate(l4, p1, d("2025-03-02T10:00:00Z"), e2ePtr(ahead(10)))
	f.certificate(l2, p2, d("2025-02-28T23:59:59Z"), e2ePtr(ahead(100)))
	f.certificate(l3, ar, d("2025-03-05T10:00:00Z"), e2ePtr(ago(1)))

	from, to := "2025-03-01", "2025-03-03"
	wantWindow := client.StatisticsWindow{From: d("2025-03-01T00:00:00Z"), To: d("2025-03-03T23:59:59.999999Z")}
	day := func(s string) openapi_types.Date { return openapi_types.Date{Time: d(s + "T00:00:00Z")} }
	st := admin.Client.LMS.Statistics

	t.Run("overview", func(t *testing.T) {
		got, err := st.Overview(ctx, &client.GetStatisticsOverviewParams{From: &from, To: &to})
		if err != nil {
			t.Fatal(err)
		}
		want := client.StatisticsOverview{
			Window:  wantWindow,
			Users:   client.StatisticsUserCounts{Total: 5, Active: 4, Banned: 1},
			Courses: client.StatisticsCourseCounts{Total: 5, Published: 2, Draft: 2, Archived: 1},
			// Liv's completion of Archived ethics counts as expired: her certificate has.
			Assignments:        client.ComplianceTotals{Assigned: 9, Completed: 2, Expired: 1, Overdue: 3, NotStarted: 1, InProgress: 1, Scheduled: 1},
			CompletionRate:     22.2,
			Completions:        2, // Lena 03-02, Lars 03-03 23:59:59
			AssignmentsCreated: 3, // 03-01 09:00, 03-02, 03-03
			CertificatesIssued: 1,
			ActiveLearners:     3, // Lena, Lars, Liv
		}
		rptSame(t, "overview", want, rptUTCWindow(got))
	})

	t.Run("publishing", func(t *testing.T) {
		got, err := st.Publishing(ctx, &client.GetStatisticsPublishingParams{From: &from, To: &to})
		if err != nil {
			t.Fatal(err)
		}
		want := client.StatisticsPublishing{Window: wantWindow, Published: 2, CurrentlyPublished: 2,
			PerDay: []client.StatisticsDayCount{{Date: day("2025-03-01"), Count: 0}, {Date: day("2025-03-02"), Count: 1}, {Date: day("2025-03-03"), Count: 1}}}
		got.Window = rptUTC(got.Window)
		rptSame(t, "publishing", want, got)
	})

	t.Run("course creation", func(t *testing.T) {
		got, err := st.CourseCreation(ctx, &client.GetStatisticsCourseCreationParams{From: &from, To: &to})
		if err != nil {
			t.Fatal(err)
		}
		want := client.StatisticsCourseCreation{Window: wantWindow, Created: 3,
			PerDay:  []client.StatisticsDayCount{{Date: day("2025-03-01"), Count: 2}, {Date: day("2025-03-02"), Count: 0}, {Date: day("2025-03-03"), Count: 1}},
			ByOwner: []client.StatisticsOwnerCount{{UserId: admin.ID, Name: "Admin", Count: 2}, {UserId: l1.ID, Name: "Lena", Count: 1}}}
		got.Window = rptUTC(got.Window)
		rptSame(t, "course creation", want, got)
	})

	t.Run("activity", func(t *testing.T) {
		got, err := st.Activity(ctx, &client.GetStatisticsActivityParams{From: &from, To: &to})
		if err != nil {
			t.Fatal(err)
		}
		want := client.StatisticsActivity{Window: wantWindow, ActiveLearners: 3, Completions: 2,
			PerDay: []client.StatisticsActivityDay{
				{Date: day("2025-03-01"), ActiveLearners: 1, Completions: 0}, // Lena starts
				{Date: day("2025-03-02"), ActiveLearners: 2, Completions: 1}, // Lena completes; Lars progresses and starts
				{Date: day("2025-03-03"), ActiveLearners: 2, Completions: 1}, // Lars completes; Liv starts
			}}
		got.Window = rptUTC(got.Window)
		rptSame(t, "activity", want, got)

		// An instant window: 03-02 12:00 … 03-03 05:00 (both inclusive).
		f2, t2 := "2025-03-02T12:00:00Z", "2025-03-03T05:00:00Z"
		got, err = st.Activity(ctx, &client.GetStatisticsActivityParams{From: &f2, To: &t2})
		if err != nil {
			t.Fatal(err)
		}
		want = client.StatisticsActivity{Window: client.StatisticsWindow{From: d(f2), To: d(t2)}, ActiveLearners: 2, Completions: 1,
			PerDay: []client.StatisticsActivityDay{
				{Date: day("2025-03-02"), ActiveLearners: 1, Completions: 1},
				{Date: day("2025-03-03"), ActiveLearners: 1, Completions: 0},
			}}
		got.Window = rptUTC(got.Window)
		rptSame(t, "activity, instants", want, got)
	})

	t.Run("insights", func(t *testing.T) {
		got, err := st.Insights(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c := func(id [16]byte) string { return typeid.Format(typeid.Course, id) }
		want := client.StatisticsInsights{
			LowestCompletion: []client.StatisticsCourseCompletion{
				{CourseId: c(p2), Name: "Data privacy", Assigned: 3, Completed: 0, CompletionPct: 0},
				// Liv's certificate of Archived ethics has expired: not completed any more.
				{CourseId: c(ar), Name: "Archived ethics", Assigned: 2, Completed: 0, CompletionPct: 0},
				{CourseId: c(d1), Name: "Onboarding", Assigned: 1, Completed: 0, CompletionPct: 0},
				{CourseId: c(p1), Name: "Forklift safety", Assigned: 3, Completed: 2, CompletionPct: 66.7},
			},
			MostOverdue: []client.StatisticsOverdueLearner{
				{UserId: l2.ID, Name: "Lars", Email: l2.Email, Overdue: 2},
				{UserId: l3.ID, Name: "Liv", Email: l3.Email, Overdue: 1},
			},
			CertificatesExpiringSoon: 1,
		}
		rptSame(t, "insights", want, *got)
	})

	t.Run("tags", func(t *testing.T) {
		got, err := st.Tags(ctx, &client.GetStatisticsTagsParams{From: &from, To: &to})
		if err != nil {
			t.Fatal(err)
		}
		want := client.StatisticsTags{Window: wantWindow, Tags: []client.StatisticsTag{
			{Tag: "compliance", Courses: 2, Assignments: 6, Completions: 2, CompletionPct: 33.3, CompletionsInWindow: 2},
			{Tag: "onboarding", Courses: 1, Assignments: 1, Completions: 0, CompletionPct: 0, CompletionsInWindow: 0},
			{Tag: "safety", Courses: 1, Assignments: 3, Completions: 2, CompletionPct: 66.7, CompletionsInWindow: 2},
		}}
		got.Window = rptUTC(got.Window)
		rptSame(t, "tags", want, got)

		// A window with no completions keeps the all-time figures.
		f2, t2 := "2025-04-01", "2025-04-02"
		got, err = st.Tags(ctx, &client.GetStatisticsTagsParams{From: &f2, To: &t2})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Tags) != 3 || got.Tags[0].Completions != 2 || got.Tags[0].CompletionsInWindow != 0 {
			t.Errorf("april tags = %+v", got.Tags)
		}
	})

	t.Run("default window is the last 30 days", func(t *testing.T) {
		got, err := st.Activity(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(got.PerDay); n != 31 {
			t.Errorf("perDay has %d days, want 31", n)
		}
		if span := got.Window.To.Sub(got.Window.From); span != 30*rptDay {
			t.Errorf("window spans %v", span)
		}
		if !e2eNear(got.Window.To, time.Minute) {
			t.Errorf("window ends %v, want now", got.Window.To)
		}
		if got.ActiveLearners != 0 || got.Completions != 0 {
			t.Errorf("recent activity = %d learners, %d completions; want none", got.ActiveLearners, got.Completions)
		}
		// Only from: up to now.
		from := time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)
		got, err = st.Activity(ctx, &client.GetStatisticsActivityParams{From: &from})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(got.PerDay); n != 3 {
			t.Errorf("from two days ago: %d days, want 3", n)
		}
	})

	t.Run("bad windows", func(t *testing.T) {
		for _, c := range []struct{ name, from, to string }{
			{"not a date", "yesterday", ""},
			{"no such day", "2025-02-30", ""},
			{"instant without zone", "2025-03-01T10:00:00", ""},
			{"from after to", "2025-03-04", "2025-03-03"},
			{"over 366 days", "2024-01-01", "2025-03-03"},
		} {
			p := &client.GetStatisticsOverviewParams{From: &c.from}
			if c.to != "" {
				p.To = &c.to
			}
			_, err := st.Overview(ctx, p)
			e := e2eSdkErr(t, err, http.StatusBadRequest, c.name)
			if e.Problem.Errors == nil || len(*e.Problem.Errors) == 0 {
				t.Errorf("%s: no field error", c.name)
			}
		}
		bad := "2025-13-01"
		_, err := st.Publishing(ctx, &client.GetStatisticsPublishingParams{To: &bad})
		e2eSdkErr(t, err, http.StatusBadRequest, "publishing, bad to")
	})

	t.Run("permissions and tenants", func(t *testing.T) {
		manager := f.user("Manager", auth.RoleManager, false)
		if _, err := manager.Client.LMS.Statistics.Insights(ctx); err != nil {
			t.Errorf("manager: %v", err)
		}
		learner := f.user("Learner", auth.RoleLearner, false)
		calls := map[string]func() error{
			"overview":       func() error { _, err := learner.Client.LMS.Statistics.Overview(ctx, nil); return err },
			"publishing":     func() error { _, err := learner.Client.LMS.Statistics.Publishing(ctx, nil); return err },
			"courseCreation": func() error { _, err := learner.Client.LMS.Statistics.CourseCreation(ctx, nil); return err },
			"activity":       func() error { _, err := learner.Client.LMS.Statistics.Activity(ctx, nil); return err },
			"insights":       func() error { _, err := learner.Client.LMS.Statistics.Insights(ctx); return err },
			"tags":           func() error { _, err := learner.Client.LMS.Statistics.Tags(ctx, nil); return err },
			"leaders":        func() error { _, err := learner.Client.LMS.Statistics.Leaders(ctx, nil); return err },
		}
		for name, call := range calls {
			e2eSdkErr(t, call(), http.StatusForbidden, "learner "+name)
		}
		// Another tenant sees none of this tenant's figures.
		other := rptNewFix(t, env, "rpt-stats-other").user("Other admin", auth.RoleAdmin, false)
		got, err := other.Client.LMS.Statistics.Overview(ctx, &client.GetStatisticsOverviewParams{From: &from, To: &to})
		if err != nil {
			t.Fatal(err)
		}
		if got.Users.Total != 1 || got.Courses.Total != 0 || got.Assignments.Assigned != 0 || got.Completions != 0 {
			t.Errorf("other tenant's overview = %+v", got)
		}
		tags, err := other.Client.LMS.Statistics.Tags(ctx, nil)
		if err != nil || len(tags.Tags) != 0 {
			t.Errorf("other tenant's tags = %v, %v", tags, err)
		}
	})
}

func rptUTC(w client.StatisticsWindow) client.StatisticsWindow {
	return client.StatisticsWindow{From: w.From.UTC(), To: w.To.UTC()}
}

func rptUTCWindow(o *client.StatisticsOverview) client.StatisticsOverview {
	v := *o
	v.Window = rptUTC(v.Window)
	return v
}
