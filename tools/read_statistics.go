package tools

import (
	"context"
	"fmt"
	"strings"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/learnd/learnd/gen/client"
)

var statisticsScopes = []string{"overview", "publishing", "courseCreation", "activity", "insights", "tags"}

type statisticsIn struct {
	Scope string  `json:"scope" jsonschema:"Which surface to query. One of: overview, publishing, courseCreation, activity, insights, tags."`
	From  *string `json:"from,omitempty" jsonschema:"Optional. ISO date or YYYY-MM-DD — start of the window (default: 30 days before to). Not used by insights."`
	To    *string `json:"to,omitempty" jsonschema:"Optional. ISO date or YYYY-MM-DD — end of the window, inclusive (default: now). Not used by insights."`
}

type dayCount struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

type overviewStats struct {
	Users struct {
		Total  int `json:"total"`
		Active int `json:"active"`
		Banned int `json:"banned"`
	} `json:"users"`
	Courses struct {
		Total     int `json:"total"`
		Published int `json:"published"`
		Draft     int `json:"draft"`
		Archived  int `json:"archived"`
	} `json:"courses"`
	Assignments        complianceTotals `json:"assignments"`
	ActiveLearners     int              `json:"activeLearners"`
	AssignmentsCreated int              `json:"assignmentsCreated"`
	Completions        int              `json:"completions"`
	CompletionRate     float64          `json:"completionRate"`
	CertificatesIssued int              `json:"certificatesIssued"`
}

type publishingStats struct {
	Published          int        `json:"published"`
	CurrentlyPublished int        `json:"currentlyPublished"`
	PerDay             []dayCount `json:"perDay"`
}

type ownerCount struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Count  int    `json:"count"`
}

type courseCreationStats struct {
	Created int          `json:"created"`
	ByOwner []ownerCount `json:"byOwner"`
	PerDay  []dayCount   `json:"perDay"`
}

type activityDay struct {
	Date           string `json:"date"`
	ActiveLearners int    `json:"activeLearners"`
	Completions    int    `json:"completions"`
}

type activityStats struct {
	ActiveLearners int           `json:"activeLearners"`
	Completions    int           `json:"completions"`
	PerDay         []activityDay `json:"perDay"`
}

type courseCompletion struct {
	CourseID      string  `json:"courseId"`
	Name          string  `json:"name"`
	Assigned      int     `json:"assigned"`
	Completed     int     `json:"completed"`
	CompletionPct float64 `json:"completionPct"`
}

type overdueLearner struct {
	UserID  string `json:"userId"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Overdue int    `json:"overdue"`
}

type insightsStats struct {
	CertificatesExpiringSoon int                `json:"certificatesExpiringSoon"`
	LowestCompletion         []courseCompletion `json:"lowestCompletion"`
	MostOverdue              []overdueLearner   `json:"mostOverdue"`
}

type tagStats struct {
	Tag                 string  `json:"tag"`
	Courses             int     `json:"courses"`
	Assignments         int     `json:"assignments"`
	Completions         int     `json:"completions"`
	CompletionsInWindow int     `json:"completionsInWindow"`
	CompletionPct       float64 `json:"completionPct"`
}

// statisticsOut holds the one scope asked for.
type statisticsOut struct {
	Scope          string               `json:"scope"`
	Window         *window              `json:"window,omitempty"`
	Overview       *overviewStats       `json:"overview,omitempty"`
	Publishing     *publishingStats     `json:"publishing,omitempty"`
	CourseCreation *courseCreationStats `json:"courseCreation,omitempty"`
	Activity       *activityStats       `json:"activity,omitempty"`
	Insights       *insightsStats       `json:"insights,omitempty"`
	Tags           []tagStats           `json:"tags,omitempty"`
}

func date(d openapi_types.Date) string { return d.Format("2006-01-02") }

func dayCounts(in []client.StatisticsDayCount) []dayCount {
	out := make([]dayCount, 0, len(in))
	for _, d := range in {
		out = append(out, dayCount{Date: date(d.Date), Count: d.Count})
	}
	return out
}

func getStatistics(ctx context.Context, env *Env, in statisticsIn) (statisticsOut, error) {
	from, err := dateInput("from", in.From)
	if err != nil {
		return statisticsOut{}, err
	}
	to, err := dateInput("to", in.To)
	if err != nil {
		return statisticsOut{}, err
	}
	st := env.API.LMS.Statistics
	out := statisticsOut{Scope: in.Scope}
	switch in.Scope {
	case "overview":
		r, err := st.Overview(ctx, &client.GetStatisticsOverviewParams{From: from, To: to})
		if err != nil {
			return statisticsOut{}, err
		}
		o := &overviewStats{
			Assignments: toTotals(r.Assignments), ActiveLearners: r.ActiveLearners, AssignmentsCreated: r.AssignmentsCreated,
			Completions: r.Completions, CompletionRate: r.CompletionRate, CertificatesIssued: r.CertificatesIssued,
		}
		o.Users.Total, o.Users.Active, o.Users.Banned = r.Users.Total, r.Users.Active, r.Users.Banned
		o.Courses.Total, o.Courses.Published, o.Courses.Draft, o.Courses.Archived = r.Courses.Total, r.Courses.Published, r.Courses.Draft, r.Courses.Archived
		out.Window, out.Overview = Ptr(toWindow(r.Window)), o
	case "publishing":
		r, err := st.Publishing(ctx, &client.GetStatisticsPublishingParams{From: from, To: to})
		if err != nil {
			return statisticsOut{}, err
		}
		out.Window = Ptr(toWindow(r.Window))
		out.Publishing = &publishingStats{Published: r.Published, CurrentlyPublished: r.CurrentlyPublished, PerDay: dayCounts(r.PerDay)}
	case "courseCreation":
		r, err := st.CourseCreation(ctx, &client.GetStatisticsCourseCreationParams{From: from, To: to})
		if err != nil {
			return statisticsOut{}, err
		}
		c := &courseCreationStats{Created: r.Created, PerDay: dayCounts(r.PerDay), ByOwner: make([]ownerCount, 0, len(r.ByOwner))}
		for _, o := range r.ByOwner {
			c.ByOwner = append(c.ByOwner, ownerCount{UserID: o.UserId, Name: o.Name, Count: o.Count})
		}
		out.Window, out.CourseCreation = Ptr(toWindow(r.Window)), c
	case "activity":
		r, err := st.Activity(ctx, &client.GetStatisticsActivityParams{From: from, To: to})
		if err != nil {
			return statisticsOut{}, err
		}
		a := &activityStats{ActiveLearners: r.ActiveLearners, Completions: r.Completions, PerDay: make([]activityDay, 0, len(r.PerDay))}
		for _, d := range r.PerDay {
			a.PerDay = append(a.PerDay, activityDay{Date: date(d.Date), ActiveLearners: d.ActiveLearners, Completions: d.Completions})
		}
		out.Window, out.Activity = Ptr(toWindow(r.Window)), a
	case "insights":
		r, err := st.Insights(ctx)
		if err != nil {
			return statisticsOut{}, err
		}
		i := &insightsStats{CertificatesExpiringSoon: r.CertificatesExpiringSoon,
			LowestCompletion: make([]courseCompletion, 0, len(r.LowestCompletion)), MostOverdue: make([]overdueLearner, 0, len(r.MostOverdue))}
		for _, c := range r.LowestCompletion {
			i.LowestCompletion = append(i.LowestCompletion, courseCompletion{CourseID: c.CourseId, Name: c.Name, Assigned: c.Assigned, Completed: c.Completed, CompletionPct: c.CompletionPct})
		}
		for _, l := range r.MostOverdue {
			i.MostOverdue = append(i.MostOverdue, overdueLearner{UserID: l.UserId, Name: l.Name, Email: l.Email, Overdue: l.Overdue})
		}
		out.Insights = i
	case "tags":
		r, err := st.Tags(ctx, &client.GetStatisticsTagsParams{From: from, To: to})
		if err != nil {
			return statisticsOut{}, err
		}
		out.Window, out.Tags = Ptr(toWindow(r.Window)), make([]tagStats, 0, len(r.Tags))
		for _, t := range r.Tags {
			out.Tags = append(out.Tags, tagStats{Tag: t.Tag, Courses: t.Courses, Assignments: t.Assignments,
				Completions: t.Completions, CompletionsInWindow: t.CompletionsInWindow, CompletionPct: t.CompletionPct})
		}
	default: // the schema's enum admits only the scopes above
		return statisticsOut{}, Invalid("scope must be one of %s", strings.Join(statisticsScopes, ", "))
	}
	return out, nil
}

func (s statisticsOut) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Statistics: %s", s.Scope)
	if s.Window != nil {
		fmt.Fprintf(&b, ", %s", s.Window)
	}
	switch {
	case s.Overview != nil:
		o := s.Overview
		fmt.Fprintf(&b, "\nusers: %d (%d active, %d banned)", o.Users.Total, o.Users.Active, o.Users.Banned)
		fmt.Fprintf(&b, "\ncourses: %d (%d published, %d draft, %d archived)", o.Courses.Total, o.Courses.Published, o.Courses.Draft, o.Courses.Archived)
		a := o.Assignments
		fmt.Fprintf(&b, "\nassignments: %d (%d completed, %d in progress, %d not started, %d overdue, %d scheduled, %d expired)",
			a.Assigned, a.Completed, a.InProgress, a.NotStarted, a.Overdue, a.Scheduled, a.Expired)
		fmt.Fprintf(&b, "\nin the window: %d active learners, %d assignments created, %d completions (completion rate %.1f%%), %d certificates issued",
			o.ActiveLearners, o.AssignmentsCreated, o.Completions, o.CompletionRate, o.CertificatesIssued)
	case s.Publishing != nil:
		p := s.Publishing
		fmt.Fprintf(&b, "\n%d published in the window; %d published now", p.Published, p.CurrentlyPublished)
		writeDays(&b, "published", p.PerDay)
	case s.CourseCreation != nil:
		c := s.CourseCreation
		fmt.Fprintf(&b, "\n%d courses created", c.Created)
		for _, o := range c.ByOwner {
			fmt.Fprintf(&b, "\n- %s (%s): %d", o.Name, o.UserID, o.Count)
		}
		writeDays(&b, "created", c.PerDay)
	case s.Activity != nil:
		a := s.Activity
		fmt.Fprintf(&b, "\n%d active learners, %d completions", a.ActiveLearners, a.Completions)
		if len(a.PerDay) > 0 {
			b.WriteString("\nper day (date | active learners | completions):")
		}
		for _, d := range a.PerDay {
			fmt.Fprintf(&b, "\n%s | %d | %d", d.Date, d.ActiveLearners, d.Completions)
		}
	case s.Insights != nil:
		i := s.Insights
		fmt.Fprintf(&b, "\ncertificates expiring soon: %d", i.CertificatesExpiringSoon)
		if len(i.LowestCompletion) > 0 {
			b.WriteString("\nlowest completion:")
			for _, c := range i.LowestCompletion {
				fmt.Fprintf(&b, "\n- %s (%s): %.1f%% (%d of %d)", c.Name, c.CourseID, c.CompletionPct, c.Completed, c.Assigned)
			}
		}
		if len(i.MostOverdue) > 0 {
			b.WriteString("\nmost overdue learners:")
			for _, l := range i.MostOverdue {
				fmt.Fprintf(&b, "\n- %s <%s> (%s): %d overdue", l.Name, l.Email, l.UserID, l.Overdue)
			}
		}
	default:
		if len(s.Tags) == 0 {
			b.WriteString("\nno tagged courses")
		}
		for _, t := range s.Tags {
			fmt.Fprintf(&b, "\n- %s: %d courses, %d assignments, %d completions (%d in the window), %.1f%% complete",
				t.Tag, t.Courses, t.Assignments, t.Completions, t.CompletionsInWindow, t.CompletionPct)
		}
	}
	return b.String()
}

// writeDays renders a per-day series as a table, every day of the window (zeros too).
func writeDays(b *strings.Builder, what string, days []dayCount) {
	if len(days) == 0 {
		return
	}
	fmt.Fprintf(b, "\nper day (date | %s):", what)
	for _, d := range days {
		fmt.Fprintf(b, "\n%s | %d", d.Date, d.Count)
	}
}
