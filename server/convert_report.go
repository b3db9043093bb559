package server

import (
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/typeid"
)

// Converters of the reports: compliance, statistics, leaderboard and audit log.

func toAPIComplianceTotals(t reports.Totals) api.ComplianceTotals {
	return api.ComplianceTotals{Assigned: t.Assigned, Completed: t.Completed, InProgress: t.InProgress,
		NotStarted: t.NotStarted, Overdue: t.Overdue, Scheduled: t.Scheduled, Expired: t.Expired}
}

func toAPIComplianceReport(r reports.ComplianceReport, next *string) api.ComplianceReport {
	out := api.ComplianceReport{
		CourseId:      typeid.Format(typeid.Course, r.CourseID),
		CourseName:    r.CourseName,
		GroupId:       idOut(typeid.Group, r.GroupID),
		Totals:        toAPIComplianceTotals(r.Totals),
		CompletionPct: reports.Pct(r.Totals.Completed, r.Totals.Assigned),
		Users:         make([]api.ComplianceUser, len(r.Rows)),
		NextPageToken: next,
		HasMore:       next != nil,
	}
	for i, row := range r.Rows {
		out.Users[i] = api.ComplianceUser{
			UserId:       typeid.Format(typeid.Person, row.UserID),
			AssignmentId: typeid.Format(typeid.Assignment, row.AssignmentID),
			Name:         row.Name,
			Email:        row.Email,
			Status:       api.ComplianceStatus(row.Status),
			AssignedAt:   row.AssignedAt,
			StartAt:      row.StartAt,
			DueAt:        row.DueAt,
			StartedAt:    row.StartedAt,
			CompletedAt:  row.CompletedAt,
			Score:        row.Score,
		}
	}
	return out
}

func toAPIStatWindow(w reports.StatWindow) api.StatisticsWindow {
	return api.StatisticsWindow{From: w.From, To: w.To}
}

func toAPIDate(t time.Time) openapi_types.Date { return openapi_types.Date{Time: t} }

func toAPIDayCounts(days []reports.StatDayCount) []api.StatisticsDayCount {
	out := make([]api.StatisticsDayCount, len(days))
	for i, d := range days {
		out[i] = api.StatisticsDayCount{Date: toAPIDate(d.Day), Count: d.Count}
	}
	return out
}

func toAPIStatOverview(w reports.StatWindow, o reports.StatOverview) api.StatisticsOverview {
	return api.StatisticsOverview{
		Window: toAPIStatWindow(w),
		Users:  api.StatisticsUserCounts{Total: o.Users.Total, Active: o.Users.Active, Banned: o.Users.Banned},
		Courses: api.StatisticsCourseCounts{Total: o.Courses.Total, Published: o.Courses.Published,
			Draft: o.Courses.Draft, Archived: o.Courses.Archived},
		Assignments:        toAPIComplianceTotals(o.Assignments),
		CompletionRate:     o.CompletionRate,
		Completions:        o.Completions,
		AssignmentsCreated: o.AssignmentsCreated,
		CertificatesIssued: o.CertificatesIssued,
		ActiveLearners:     o.ActiveLearners,
	}
}

func toAPIStatPublishing(w reports.StatWindow, p reports.StatPublishing) api.StatisticsPublishing {
	return api.StatisticsPublishing{Window: toAPIStatWindow(w), Published: p.Published,
		CurrentlyPublished: p.CurrentlyPublished, PerDay: toAPIDayCounts(p.PerDay)}
}

func toAPIStatCourseCreation(w reports.StatWindow, c reports.StatCourseCreation) api.StatisticsCourseCreation {
	out := api.StatisticsCourseCreation{Window: toAPIStatWindow(w), Created: c.Created, PerDay: toAPIDayCounts(c.PerDay),
		ByOwner: make([]api.StatisticsOwnerCount, len(c.ByOwner))}
	for i, o := range c.ByOwner {
		out.ByOwner[i] = api.StatisticsOwnerCount{UserId: typeid.Format(typeid.Person, o.UserID), Name: o.Name, Count: o.Count}
	}
	return out
}

func toAPIStatActivity(w reports.StatWindow, a reports.StatActivity) api.StatisticsActivity {
	out := api.StatisticsActivity{Window: toAPIStatWindow(w), ActiveLearners: a.ActiveLearners, Completions: a.Completions,
		PerDay: make([]api.StatisticsActivityDay, len(a.PerDay))}
	for i, d := range a.PerDay {
		out.PerDay[i] = api.StatisticsActivityDay{Date: toAPIDate(d.Day), ActiveLearners: d.ActiveLearners, Completions: d.Completions}
	}
	return out
}

func toAPIStatInsights(in reports.StatInsights) api.StatisticsInsights {
	out := api.StatisticsInsights{
		LowestCompletion:         make([]api.StatisticsCourseCompletion, len(in.LowestCompletion)),
		MostOverdue:              make([]api.StatisticsOverdueLearner, len(in.MostOverdue)),
		CertificatesExpiringSoon: in.CertificatesExpiringSoon,
	}
	for i, c := range in.LowestCompletion {
		out.LowestCompletion[i] = api.StatisticsCourseCompletion{CourseId: typeid.Format(typeid.Course, c.CourseID), Name: c.Name,
			Assigned: c.Assigned, Completed: c.Completed, CompletionPct: c.CompletionPct}
	}
	for i, l := range in.MostOverdue {
		out.MostOverdue[i] = api.StatisticsOverdueLearner{UserId: typeid.Format(typeid.Person, l.UserID), Name: l.Name,
			Email: l.Email, Overdue: l.Overdue}
	}
	return out
}

func toAPIStatTags(w reports.StatWindow, tags []reports.StatTag) api.StatisticsTags {
	out := api.StatisticsTags{Window: toAPIStatWindow(w), Tags: make([]api.StatisticsTag, len(tags))}
	for i, g := range tags {
		out.Tags[i] = api.StatisticsTag{Tag: g.Tag, Courses: g.Courses, Assignments: g.Assignments, Completions: g.Completions,
			CompletionPct: g.CompletionPct, CompletionsInWindow: g.InWindow}
	}
	return out
}

func toAPILeaderboard(w reports.StatWindow, leaders []reports.StatLeader) api.Leaderboard {
	out := api.Leaderboard{Window: toAPIStatWindow(w), Data: make([]api.LeaderboardEntry, len(leaders))}
	for i, l := range leaders {
		out.Data[i] = api.LeaderboardEntry{Rank: l.Rank, UserId: typeid.Format(typeid.Person, l.UserID), Name: l.Name,
			Points: l.Points, Completions: l.Completed}
	}
	return out
}

func toAPIAuditEntry(e reports.AuditLogEntry) api.AuditEntry {
	out := api.AuditEntry{
		Id:         typeid.Format(typeid.Audit, e.ID),
		CreatedAt:  e.CreatedAt,
		ActorId:    idOut(typeid.Person, e.ActorID),
		AppId:      e.AppID,
		KeyId:      idOut(typeid.APIKey, e.KeyID),
		Surface:    api.AuditSurface(e.Surface),
		Action:     e.Action,
		TargetType: e.TargetType,
		TargetId:   e.TargetID,
		RequestId:  e.RequestID,
	}
	// Only set when present: a nil RawMessage in the interface would render as null.
	if e.Before != nil {
		out.Before = e.Before
	}
	if e.After != nil {
		out.After = e.After
	}
	return out
}

func toAPIAuditLogPage(p reports.AuditLogPage, limit, offset int) api.AuditLogPage {
	out := api.AuditLogPage{Data: make([]api.AuditEntry, len(p.Entries)), Limit: limit, Offset: offset, Total: p.Total,
		HasMore: offset+len(p.Entries) < p.Total}
	for i, e := range p.Entries {
		out.Data[i] = toAPIAuditEntry(e)
	}
	return out
}
