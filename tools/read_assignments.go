package tools

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

var assignmentStatuses = []string{"scheduled", "assigned", "in_progress", "completed", "overdue"}

func init() {
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "list_assignments",
			Description: "List course assignments for one user or one group (exactly one of userId or groupId is " +
				"required). No top-level \"all assignments\" view — too much data; the v2 API scopes by user or group. " +
				"Returns each assignment's course, learner, status, progress and dates; pass nextPageToken as pageToken " +
				"for more. Needs user_assign (anyone may list their own).",
			Annotations: ReadOnly("List assignments"),
		},
		Schema: assignmentListSchema,
	}, listAssignments)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "list_my_assignments",
			Description: "Courses assigned to the current user (the key's owner), with deadlines and completion status. " +
				"Useful for \"what training do I owe?\" questions. No parameters needed. Any role.",
			Annotations: ReadOnly("List my assignments"),
		},
		Schema: assignmentListSchema,
	}, listMyAssignments)
}

func assignmentListSchema(s *jsonschema.Schema) {
	SetRange(s, "limit", 1, findMax)
	SetDefault(s, "limit", findDefault)
	SetEnum(s, "status", assignmentStatuses...)
}

type listAssignmentsIn struct {
	UserID    *string `json:"userId,omitempty" jsonschema:"Filter by one user (per_…). Mutually exclusive with groupId."`
	GroupID   *string `json:"groupId,omitempty" jsonschema:"Filter by one group (grp_…). Mutually exclusive with userId."`
	Status    *string `json:"status,omitempty" jsonschema:"Optional. Only assignments in this status: scheduled, assigned, in_progress, completed or overdue."`
	Limit     int     `json:"limit,omitempty" jsonschema:"Max results (default 20, max 50)."`
	PageToken *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of a previous call, for the next page."`
}

type listMyAssignmentsIn struct {
	Status    *string `json:"status,omitempty" jsonschema:"Optional. Only assignments in this status: scheduled, assigned, in_progress, completed or overdue."`
	Limit     int     `json:"limit,omitempty" jsonschema:"Max results (default 20, max 50)."`
	PageToken *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of a previous call, for the next page."`
}

// assignmentBrief is an assignment as the tools show it.
type assignmentBrief struct {
	ID          string   `json:"id"`
	CourseID    string   `json:"courseId"`
	CourseName  string   `json:"courseName"`
	UserID      string   `json:"userId"`
	UserName    string   `json:"userName"`
	Status      string   `json:"status"`
	ProgressPct int      `json:"progressPct"`
	Score       *float64 `json:"score,omitempty"`
	AssignedAt  string   `json:"assignedAt"`
	StartAt     *string  `json:"startAt,omitempty"`
	DueAt       *string  `json:"dueAt,omitempty"`
	CompletedAt *string  `json:"completedAt,omitempty"`
	GroupID     *string  `json:"groupId,omitempty"`
	ChainID     *string  `json:"chainId,omitempty"`
	Locked      bool     `json:"locked,omitempty"`
}

func toAssignmentBrief(a client.Assignment) assignmentBrief {
	return assignmentBrief{
		ID: a.Id, CourseID: a.CourseId, CourseName: a.CourseName, UserID: a.UserId, UserName: a.UserName,
		Status: string(a.Status), ProgressPct: a.ProgressPct, Score: a.Score, AssignedAt: Time(a.AssignedAt),
		StartAt: TimePtr(a.StartAt), DueAt: TimePtr(a.DueAt), CompletedAt: TimePtr(a.CompletedAt),
		GroupID: a.GroupId, ChainID: a.ChainId, Locked: a.Locked,
	}
}

func (a assignmentBrief) line(withUser bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", a.CourseName, a.CourseID)
	if withUser {
		fmt.Fprintf(&b, " → %s (%s)", a.UserName, a.UserID)
	}
	fmt.Fprintf(&b, ": %s, %d%%", a.Status, a.ProgressPct)
	if a.Score != nil {
		fmt.Fprintf(&b, ", score %s", strconv.FormatFloat(*a.Score, 'f', -1, 64))
	}
	if a.DueAt != nil {
		b.WriteString(", due " + *a.DueAt)
	}
	if a.StartAt != nil {
		b.WriteString(", starts " + *a.StartAt)
	}
	if a.CompletedAt != nil {
		b.WriteString(", completed " + *a.CompletedAt)
	}
	b.WriteString(", assigned " + a.AssignedAt)
	if a.GroupID != nil {
		b.WriteString(", via group " + *a.GroupID)
	}
	if a.ChainID != nil {
		b.WriteString(", in chain " + *a.ChainID)
	}
	if a.Locked {
		b.WriteString(", locked (earlier chain course first)")
	}
	fmt.Fprintf(&b, " [%s]", a.ID)
	return b.String()
}

type assignmentList struct {
	Assignments   []assignmentBrief `json:"assignments"`
	NextPageToken *string           `json:"nextPageToken,omitempty"`
	// mine: the caller's own (the text leaves out the learner)
	mine bool
}

func (l assignmentList) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", len(l.Assignments), plural(len(l.Assignments), "assignment", "assignments"))
	if l.mine && len(l.Assignments) > 0 {
		a := l.Assignments[0]
		fmt.Fprintf(&b, " of %s (%s)", a.UserName, a.UserID)
	}
	for _, a := range l.Assignments {
		b.WriteString("\n- " + a.line(!l.mine))
	}
	writeMore(&b, l.NextPageToken)
	return b.String()
}

func toAssignmentList(page *client.AssignmentList, mine bool) assignmentList {
	out := assignmentList{Assignments: make([]assignmentBrief, 0, len(page.Data)), mine: mine}
	for _, a := range page.Data {
		out.Assignments = append(out.Assignments, toAssignmentBrief(a))
	}
	if page.HasMore {
		out.NextPageToken = page.NextPageToken
	}
	return out
}

func listAssignments(ctx context.Context, env *Env, in listAssignmentsIn) (assignmentList, error) {
	user, group := in.UserID != nil && *in.UserID != "", in.GroupID != nil && *in.GroupID != ""
	if user == group {
		return assignmentList{}, Invalid("pass exactly one of userId or groupId")
	}
	tok, err := pageToken(in.PageToken)
	if err != nil {
		return assignmentList{}, err
	}
	var status *client.AssignmentStatus
	if in.Status != nil {
		status = Ptr(client.AssignmentStatus(*in.Status))
	}
	var page *client.AssignmentList
	if user {
		id, err := ID("userId", typeid.Person, *in.UserID)
		if err != nil {
			return assignmentList{}, err
		}
		page, err = env.API.LMS.Assignments.ListForUser(ctx, id, &client.ListUserAssignmentsParams{Limit: &in.Limit, PageToken: tok, Status: status})
		if err != nil {
			return assignmentList{}, err
		}
	} else {
		id, err := ID("groupId", typeid.Group, *in.GroupID)
		if err != nil {
			return assignmentList{}, err
		}
		page, err = env.API.LMS.Assignments.ListForGroup(ctx, id, &client.ListGroupAssignmentsParams{Limit: &in.Limit, PageToken: tok, Status: status})
		if err != nil {
			return assignmentList{}, err
		}
	}
	return toAssignmentList(page, false), nil
}

func listMyAssignments(ctx context.Context, env *Env, in listMyAssignmentsIn) (assignmentList, error) {
	tok, err := pageToken(in.PageToken)
	if err != nil {
		return assignmentList{}, err
	}
	var status *client.AssignmentStatus
	if in.Status != nil {
		status = Ptr(client.AssignmentStatus(*in.Status))
	}
	page, err := env.API.LMS.Assignments.ListMine(ctx, &client.ListMyAssignmentsParams{Limit: &in.Limit, PageToken: tok, Status: status})
	if err != nil {
		return assignmentList{}, err
	}
	return toAssignmentList(page, true), nil
}
