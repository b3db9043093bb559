package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// Limits of the report tools (seed 003 and the API).
const (
	complianceDefault  = 50
	complianceMax      = 250
	leaderboardDefault = 10
	leaderboardMax     = 50
	auditDefault       = 50
	auditMax           = 250
	certificatesMax    = 100
)

func init() {
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "get_compliance_status",
			Description: "The flagship audit tool. Returns compliance breakdown for one course: who's assigned, who's done, " +
				"who's overdue, completion percentages. Optionally scoped to one group. Totals cover everyone; the user " +
				"rows are paged (pass nextPageToken as pageToken); export: true returns the totals and a resource_link to a CSV " +
				"of every user row instead (read it with resources/read; up to 4 MiB, larger exports name the API request " +
				"that downloads them). Needs common_stat.",
			Annotations: ReadOnly("Get compliance status"),
		},
		Schema: func(s *jsonschema.Schema) {
			SetRange(s, "limit", 1, complianceMax)
			SetDefault(s, "limit", complianceDefault)
			SetEnum(s, "status", complianceStatuses...)
		},
	}, getComplianceStatus)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "list_certificates",
			Description: "All certificates earned by one user, with issue dates and (when set) expiry dates. Useful for " +
				"recertification planning: expiringWithin keeps those expiring within that many days. Needs user_view " +
				"(anyone may list their own).",
			Annotations: ReadOnly("List certificates"),
		},
		Schema: func(s *jsonschema.Schema) { SetRange(s, "expiringWithin", 1, 3650) },
	}, listCertificates)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "get_statistics",
			Description: "High-level analytics — overall engagement, publishing rate, course-creation activity, insights, " +
				"tag breakdowns. The window defaults to the last 30 days (insights are always current). For per-course " +
				"or per-user numbers prefer get_compliance_status or list_assignments. Needs common_stat.",
			Annotations: ReadOnly("Get statistics"),
		},
		Schema: func(s *jsonschema.Schema) {
			SetEnum(s, "scope", statisticsScopes...)
		},
	}, getStatistics)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name:        "get_leaderboard",
			Description: "Top learners by points/completion this period (the last 30 days unless from/to are given). Needs common_stat.",
			Annotations: ReadOnly("Get the leaderboard"),
		},
		Schema: func(s *jsonschema.Schema) {
			SetRange(s, "limit", 1, leaderboardMax)
			SetDefault(s, "limit", leaderboardDefault)
		},
	}, getLeaderboard)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "get_audit_log",
			Description: "Read the platform audit log with optional filters, newest first. Use for security investigations, " +
				"compliance questions, and inspecting actions taken by other MCP agents (surface \"mcp\"). Pages with " +
				"limit and offset; export: true returns a resource_link to a CSV of every matching entry instead (read it with " +
				"resources/read; up to 4 MiB, larger exports name the API request that downloads them). Needs audit_view " +
				"(owners and admins).",
			Annotations: ReadOnly("Read the audit log"),
		},
		Schema: func(s *jsonschema.Schema) {
			SetRange(s, "limit", 1, auditMax)
			SetDefault(s, "limit", auditDefault)
			SetRange(s, "offset", 0, 1_000_000)
		},
	}, getAuditLog)
}

// dateInput checks an optional "ISO date or YYYY-MM-DD" input and returns it for the API
// (nil when absent).
func dateInput(field string, v *string) (*string, error) {
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil, nil
	}
	s := strings.TrimSpace(*v)
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return &s, nil
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return &s, nil
	}
	return nil, Invalid("%s must be an ISO date-time (2026-03-01T09:00:00Z) or a date YYYY-MM-DD (got %q)", field, clip(s, 40))
}

// window is a statistics window.
type window struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func toWindow(w client.StatisticsWindow) window { return window{From: Time(w.From), To: Time(w.To)} }

func (w window) String() string { return w.From + " – " + w.To }

// --- get_compliance_status

type complianceIn struct {
	CourseID  string  `json:"courseId" jsonschema:"Course to check compliance against (crs_…, e.g. the OSHA refresher; from find_course)."`
	GroupID   *string `json:"groupId,omitempty" jsonschema:"Optional: scope to one group of users (grp_…)."`
	Status    *string `json:"status,omitempty" jsonschema:"Optional. Only users in this status: scheduled, assigned, in_progress, completed, overdue or expired (completed, but the certificate has expired)."`
	Limit     int     `json:"limit,omitempty" jsonschema:"Max user rows (default 50, max 250)."`
	PageToken *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of a previous call, for more user rows."`
	Export    bool    `json:"export,omitempty" jsonschema:"Optional. Instead of a page of user rows, return the totals and a link (resource_link) to a CSV of every user row matching groupId and status; read it with resources/read. limit and pageToken do not apply."`
}

// complianceStatuses are the statuses of a compliance row: an assignment's, and expired
// (completed, but the certificate it earned has expired: not compliant).
var complianceStatuses = append(slices.Clone(assignmentStatuses), "expired")

type complianceTotals struct {
	Assigned   int `json:"assigned"`
	Completed  int `json:"completed"`
	InProgress int `json:"inProgress"`
	NotStarted int `json:"notStarted"`
	Overdue    int `json:"overdue"`
	Scheduled  int `json:"scheduled"`
	Expired    int `json:"expired"`
}

func toTotals(t client.ComplianceTotals) complianceTotals {
	return complianceTotals{Assigned: t.Assigned, Completed: t.Completed, InProgress: t.InProgress,
		NotStarted: t.NotStarted, Overdue: t.Overdue, Scheduled: t.Scheduled, Expired: t.Expired}
}

type complianceUser struct {
	UserID      string   `json:"userId"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Status      string   `json:"status"`
	DueAt       *string  `json:"dueAt,omitempty"`
	CompletedAt *string  `json:"completedAt,omitempty"`
	Score       *float64 `json:"score,omitempty"`
}

type complianceOut struct {
	CourseID      string           `json:"courseId"`
	CourseName    string           `json:"courseName"`
	GroupID       *string          `json:"groupId,omitempty"`
	CompletionPct float64          `json:"completionPct"`
	Totals        complianceTotals `json:"totals"`
	Users         []complianceUser `json:"users"`
	NextPageToken *string          `json:"nextPageToken,omitempty"`
	// Export, with export: true, is the CSV of every matching user row (Users is empty).
	Export *exportLink `json:"export,omitempty"`
}

func (c complianceOut) links() []*mcp.ResourceLink { return c.Export.links() }

func (c complianceOut) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Compliance for %s (%s)", c.CourseName, c.CourseID)
	if c.GroupID != nil {
		fmt.Fprintf(&b, ", group %s", *c.GroupID)
	}
	t := c.Totals
	fmt.Fprintf(&b, ": %.1f%% complete — %d assigned: %d completed, %d in progress, %d not started, %d overdue, %d scheduled, %d expired",
		c.CompletionPct, t.Assigned, t.Completed, t.InProgress, t.NotStarted, t.Overdue, t.Scheduled, t.Expired)
	for _, u := range c.Users {
		fmt.Fprintf(&b, "\n- %s <%s> (%s): %s", u.Name, u.Email, u.UserID, u.Status)
		if u.DueAt != nil {
			b.WriteString(", due " + *u.DueAt)
		}
		if u.CompletedAt != nil {
			b.WriteString(", completed " + *u.CompletedAt)
		}
		if u.Score != nil {
			fmt.Fprintf(&b, ", score %.0f", *u.Score)
		}
	}
	writeMore(&b, c.NextPageToken)
	if c.Export != nil {
		b.WriteString("\n" + c.Export.text())
	}
	return b.String()
}

func getComplianceStatus(ctx context.Context, env *Env, in complianceIn) (complianceOut, error) {
	courseID, err := ID("courseId", typeid.Course, in.CourseID)
	if err != nil {
		return complianceOut{}, err
	}
	p := &client.GetComplianceStatusParams{Limit: &in.Limit}
	if in.GroupID != nil && *in.GroupID != "" {
		g, err := ID("groupId", typeid.Group, *in.GroupID)
		if err != nil {
			return complianceOut{}, err
		}
		p.GroupId = &g
	}
	if in.Status != nil {
		p.Status = Ptr(client.ComplianceStatus(*in.Status))
	}
	if in.Export { // the totals (one row read), then the CSV of every row
		p.Limit = Ptr(1)
	} else if p.PageToken, err = pageToken(in.PageToken); err != nil {
		return complianceOut{}, err
	}
	r, err := env.API.LMS.Statistics.Compliance(ctx, courseID, p)
	if err != nil {
		return complianceOut{}, err
	}
	out := complianceOut{
		CourseID: r.CourseId, CourseName: r.CourseName, GroupID: r.GroupId, CompletionPct: r.CompletionPct,
		Totals: toTotals(r.Totals), Users: make([]complianceUser, 0, len(r.Users)),
	}
	for _, u := range r.Users {
		out.Users = append(out.Users, complianceUser{
			UserID: u.UserId, Name: u.Name, Email: u.Email, Status: string(u.Status),
			DueAt: TimePtr(u.DueAt), CompletedAt: TimePtr(u.CompletedAt), Score: u.Score,
		})
	}
	if in.Export {
		link, err := env.export(ctx, complianceExport(courseID, p))
		if err != nil {
			return complianceOut{}, err
		}
		out.Users, out.Export = []complianceUser{}, &link
		return out, nil
	}
	if r.HasMore {
		out.NextPageToken = r.NextPageToken
	}
	return out, nil
}

// --- get_leaderboard

type leaderboardIn struct {
	Limit int     `json:"limit,omitempty" jsonschema:"Top N learners (default 10, max 50)."`
	From  *string `json:"from,omitempty" jsonschema:"Optional. ISO date or YYYY-MM-DD — start of the period (default: 30 days before to)."`
	To    *string `json:"to,omitempty" jsonschema:"Optional. ISO date or YYYY-MM-DD — end of the period, inclusive (default: now)."`
}

type leader struct {
	Rank        int    `json:"rank"`
	UserID      string `json:"userId"`
	Name        string `json:"name"`
	Points      int    `json:"points"`
	Completions int    `json:"completions"`
}

type leaderboardOut struct {
	Window  window   `json:"window"`
	Leaders []leader `json:"leaders"`
}

func (l leaderboardOut) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Top %d %s, %s", len(l.Leaders), plural(len(l.Leaders), "learner", "learners"), l.Window)
	for _, e := range l.Leaders {
		fmt.Fprintf(&b, "\n%d. %s (%s): %d points, %d %s", e.Rank, e.Name, e.UserID, e.Points, e.Completions, plural(e.Completions, "completion", "completions"))
	}
	return b.String()
}

func getLeaderboard(ctx context.Context, env *Env, in leaderboardIn) (leaderboardOut, error) {
	from, err := dateInput("from", in.From)
	if err != nil {
		return leaderboardOut{}, err
	}
	to, err := dateInput("to", in.To)
	if err != nil {
		return leaderboardOut{}, err
	}
	r, err := env.API.LMS.Statistics.Leaders(ctx, &client.GetLeaderboardParams{Limit: &in.Limit, From: from, To: to})
	if err != nil {
		return leaderboardOut{}, err
	}
	out := leaderboardOut{Window: toWindow(r.Window), Leaders: make([]leader, 0, len(r.Data))}
	for _, e := range r.Data {
		out.Leaders = append(out.Leaders, leader{Rank: e.Rank, UserID: e.UserId, Name: e.Name, Points: e.Points, Completions: e.Completions})
	}
	return out, nil
}
