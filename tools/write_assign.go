package tools

// The assignment write tools of seed 003: assign_training (one course to one learner),
// bulk_assign (courses to a group, one API call per course) and assign_chain (a learning
// path to users and groups).

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/typeid"
)

// Bounds of the list inputs of the assignment tools (the API's own limits).
const (
	bulkMaxCourses = 50
	chainMaxUsers  = 500
	chainMaxGroups = 50
)

func init() {
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "assign_training",
			Description: "Assign one course to one learner. Idempotent — re-assigning the same user is a no-op " +
				"(the result says alreadyAssigned). For bulk operations use bulk_assign instead. The course must be " +
				"published. Needs user_assign.",
			Annotations: Additive("Assign training", true),
		},
	}, assignTraining)
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "bulk_assign",
			Description: "Assign multiple courses to a whole group at once. Use for onboarding bundles or compliance " +
				"pushes. Members who join the group later get the courses too; members who already hold a course keep " +
				"their assignment. Reports the outcome per course. Needs group_assign.",
			Annotations: Additive("Assign courses to a group", true),
		},
		Schema: func(s *jsonschema.Schema) { SetItems(s, "courseIds", 1, bulkMaxCourses) },
	}, bulkAssign)
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "assign_chain",
			Description: "Assign an entire course chain (an ordered learning path) to users or groups. The caller must " +
				"own the chain (per-chain ownership rule). Give userIds, groupIds or both. Each chain course unlocks " +
				"when the one before it is completed. Needs user_assign and ownership of the chain.",
			Annotations: Additive("Assign a learning path", true),
		},
		Schema: func(s *jsonschema.Schema) {
			SetItems(s, "userIds", 0, chainMaxUsers)
			SetItems(s, "groupIds", 0, chainMaxGroups)
		},
	}, assignChain)
}

// assignmentOut is one assignment, as assign_training and extend_deadline report it.
type assignmentOut struct {
	Planned
	ID         string  `json:"id"`
	CourseID   string  `json:"courseId"`
	CourseName string  `json:"courseName"`
	UserID     string  `json:"userId"`
	UserName   string  `json:"userName"`
	Status     string  `json:"status"`
	AssignedAt string  `json:"assignedAt"`
	DueAt      *string `json:"dueAt,omitempty"`
	StartAt    *string `json:"startAt,omitempty"`
	ChainID    *string `json:"chainId,omitempty"`
	// AlreadyAssigned: assign_training found the user already holding the course and
	// changed nothing.
	AlreadyAssigned bool   `json:"alreadyAssigned"`
	Message         string `json:"message"`
}

func toAssignmentOut(a *client.Assignment) assignmentOut {
	return assignmentOut{ID: a.Id, CourseID: a.CourseId, CourseName: a.CourseName, UserID: a.UserId, UserName: a.UserName,
		Status: string(a.Status), AssignedAt: Time(a.AssignedAt), DueAt: TimePtr(a.DueAt), StartAt: TimePtr(a.StartAt), ChainID: a.ChainId}
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o assignmentOut) Text() string { return o.Planned.wrap(o.text()) }

func (o assignmentOut) text() string {
	var b strings.Builder
	b.WriteString(o.Message)
	fmt.Fprintf(&b, "\n%s: “%s” (%s) for %s (%s), status %s", o.ID, o.CourseName, o.CourseID, o.UserName, o.UserID, o.Status)
	if o.DueAt != nil {
		b.WriteString(", due " + *o.DueAt)
	} else {
		b.WriteString(", no deadline")
	}
	if o.StartAt != nil {
		b.WriteString(", starts " + *o.StartAt)
	}
	b.WriteString(".")
	return b.String()
}

type assignTrainingIn struct {
	Guard
	CourseID string `json:"courseId" jsonschema:"Course to assign."`
	UserID   string `json:"userId" jsonschema:"Learner to assign to."`
	DueAt    *int64 `json:"dueAt,omitempty" jsonschema:"Unix timestamp (seconds) when the assignment is due. Omit for no deadline."`
	StartAt  *int64 `json:"startAt,omitempty" jsonschema:"Unix timestamp for scheduled future assignment. Omit to assign immediately."`
}

func assignTraining(ctx context.Context, env *Env, in assignTrainingIn) (assignmentOut, error) {
	courseID, err := ID("courseId", typeid.Course, in.CourseID)
	if err != nil {
		return assignmentOut{}, err
	}
	userID, err := ID("userId", typeid.Person, in.UserID)
	if err != nil {
		return assignmentOut{}, err
	}
	due, err := UnixTimePtr("dueAt", in.DueAt)
	if err != nil {
		return assignmentOut{}, err
	}
	start, err := UnixTimePtr("startAt", in.StartAt)
	if err != nil {
		return assignmentOut{}, err
	}
	if due != nil && start != nil && !due.After(*start) {
		return assignmentOut{}, Invalid("dueAt must be later than startAt")
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[assignmentOut]{
		tool: "assign_training", args: in,
		run: func(ctx context.Context, dry *bool) (assignmentOut, error) {
			return assignOne(ctx, env, courseID, userID, due, start, dry)
		},
		plan: func(o assignmentOut) any {
			return []any{o.CourseID, o.UserID, o.Status, o.DueAt, o.StartAt, o.AlreadyAssigned}
		},
	})
}

// assignOne makes (or, with dry, rehearses) assign_training's API call.
func assignOne(ctx context.Context, env *Env, courseID, userID string, due, start *time.Time, dry *bool) (assignmentOut, error) {
	// The raw client, because the status tells a new assignment (201) from one the user
	// already held (200), which the SDK method returns alike.
	rsp, err := env.API.Raw().AssignCourseToUser(ctx, courseID, &client.AssignCourseToUserParams{DryRun: dry}, client.AssignUserRequest{UserId: userID, DueAt: due, StartAt: start})
	if err != nil {
		return assignmentOut{}, err
	}
	if err := sdk.CheckResponse(rsp); err != nil {
		return assignmentOut{}, err
	}
	res, err := client.ParseAssignCourseToUserResponse(rsp)
	if err != nil {
		return assignmentOut{}, fmt.Errorf("assign training: read the answer: %w", err)
	}
	a := res.JSON201
	if rsp.StatusCode == http.StatusOK {
		a = res.JSON200
	}
	if a == nil {
		return assignmentOut{}, fmt.Errorf("assign training: %d answer without an assignment", rsp.StatusCode)
	}
	out := toAssignmentOut(a)
	if rsp.StatusCode == http.StatusOK {
		out.AlreadyAssigned = true
		out.Message = fmt.Sprintf("Already assigned: %s already holds this course; nothing changed.", a.UserName)
		if due != nil || start != nil {
			out.Message += " The existing assignment keeps its dates (use extend_deadline to push its deadline back)."
		}
	} else {
		out.Message = fmt.Sprintf("Assigned “%s” to %s; they were mailed a notice.", a.CourseName, a.UserName)
	}
	return out, nil
}

type assignChainIn struct {
	Guard
	ChainID  string   `json:"chainId" jsonschema:"Course-chain ID."`
	UserIDs  []string `json:"userIds,omitempty" jsonschema:"Users to assign the chain to."`
	GroupIDs []string `json:"groupIds,omitempty" jsonschema:"Groups to assign the chain to."`
	DueAt    *int64   `json:"dueAt,omitempty" jsonschema:"Unix-timestamp deadline for the whole chain."`
}

type assignChainOut struct {
	Planned
	ChainID         string   `json:"chainId"`
	CourseIDs       []string `json:"courseIds"`
	UsersReached    int      `json:"usersReached"`
	Assigned        int      `json:"assigned"`
	AlreadyAssigned int      `json:"alreadyAssigned"`
	DueAt           *string  `json:"dueAt,omitempty"`
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o assignChainOut) Text() string { return o.Planned.wrap(o.text()) }

func (o assignChainOut) text() string {
	s := fmt.Sprintf("Chain %s (%d %s) assigned to %d %s: %d new %s, %d already held",
		o.ChainID, len(o.CourseIDs), plural(len(o.CourseIDs), "course", "courses"), o.UsersReached, plural(o.UsersReached, "user", "users"),
		o.Assigned, plural(o.Assigned, "assignment", "assignments"), o.AlreadyAssigned)
	if o.DueAt != nil {
		s += ", due " + *o.DueAt
	}
	return s + ". Each course unlocks when the one before it is completed."
}

func assignChain(ctx context.Context, env *Env, in assignChainIn) (assignChainOut, error) {
	chainID, err := ID("chainId", typeid.Chain, in.ChainID)
	if err != nil {
		return assignChainOut{}, err
	}
	if len(in.UserIDs) == 0 && len(in.GroupIDs) == 0 {
		return assignChainOut{}, Invalid("give userIds, groupIds or both: whom to assign the chain to")
	}
	users, err := IDs("userIds", typeid.Person, in.UserIDs, 0)
	if err != nil {
		return assignChainOut{}, err
	}
	groups, err := IDs("groupIds", typeid.Group, in.GroupIDs, 0)
	if err != nil {
		return assignChainOut{}, err
	}
	if err := distinctIDs("userIds", users); err != nil {
		return assignChainOut{}, err
	}
	if err := distinctIDs("groupIds", groups); err != nil {
		return assignChainOut{}, err
	}
	due, err := UnixTimePtr("dueAt", in.DueAt)
	if err != nil {
		return assignChainOut{}, err
	}
	body := client.AssignChainRequest{DueAt: due}
	if len(users) > 0 {
		body.Users = &users
	}
	if len(groups) > 0 {
		body.Groups = &groups
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[assignChainOut]{
		tool: "assign_chain", args: in,
		run: func(ctx context.Context, dry *bool) (assignChainOut, error) {
			res, err := env.API.LMS.Assignments.AssignChain(ctx, chainID, &client.AssignCourseChainParams{DryRun: dry}, body)
			if err != nil {
				return assignChainOut{}, err
			}
			if res.CourseIds == nil {
				res.CourseIds = []string{}
			}
			return assignChainOut{ChainID: res.ChainId, CourseIDs: res.CourseIds, UsersReached: len(res.Users), Assigned: res.Assigned,
				AlreadyAssigned: res.AlreadyAssigned, DueAt: TimePtr(res.DueAt)}, nil
		},
		plan: func(o assignChainOut) any {
			return []any{o.CourseIDs, o.UsersReached, o.Assigned, o.AlreadyAssigned, o.DueAt}
		},
		confirm: func(o assignChainOut) string {
			if o.Assigned > 0 && o.UsersReached > confirmAbove {
				return fmt.Sprintf("this assigns the chain's %d courses to %d learners", len(o.CourseIDs), o.UsersReached)
			}
			return ""
		},
	})
}
