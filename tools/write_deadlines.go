package tools

// The two tools seed 003 lists as "coming soon" and learnd ships: extend_deadline (push an
// assignment's deadline back) and send_reminder (nudge a course's learners by mail).

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// Bounds of send_reminder's inputs (the API's own limits).
const (
	reminderMaxUsers   = 500
	reminderMaxMessage = 2000
)

func init() {
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "extend_deadline",
			Description: "Push an assignment's deadline back. The new deadline must be later than the current one and in " +
				"the future; an assignment without a deadline, or a completed one, cannot be extended. Find assignment " +
				"ids with list_assignments. The audit log keeps the old and new deadline. Needs user_assign.",
			Annotations: Additive("Extend a deadline", true),
		},
	}, extendDeadline)
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "send_reminder",
			Description: "Nudge learners about a course by email. Without userIds, every overdue learner of the course is " +
				"reminded (past the deadline, not completed, not banned); with userIds, exactly those learners, each of " +
				"whom must hold an uncompleted assignment of the course. One mail per learner. Needs user_assign.",
			Annotations: Additive("Send a reminder", false),
		},
		Schema: func(s *jsonschema.Schema) {
			SetItems(s, "userIds", 1, reminderMaxUsers)
			SetLength(s, "message", 1, reminderMaxMessage)
		},
	}, sendReminder)
}

type extendDeadlineIn struct {
	Guard
	AssignmentID string `json:"assignmentId" jsonschema:"The assignment whose deadline moves (asg_…, from list_assignments or list_my_assignments)."`
	DueAt        int64  `json:"dueAt" jsonschema:"The new deadline, a Unix timestamp (seconds); later than the current deadline and in the future."`
}

type deadlineOut struct {
	Planned
	ID         string  `json:"id"`
	CourseID   string  `json:"courseId"`
	CourseName string  `json:"courseName"`
	UserID     string  `json:"userId"`
	UserName   string  `json:"userName"`
	Status     string  `json:"status"`
	DueAt      *string `json:"dueAt,omitempty"`
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o deadlineOut) Text() string { return o.Planned.wrap(o.text()) }

func (o deadlineOut) text() string {
	due := "none"
	if o.DueAt != nil {
		due = *o.DueAt
	}
	return fmt.Sprintf("Deadline of %s (“%s” for %s) is now %s; status %s.", o.ID, o.CourseName, o.UserName, due, o.Status)
}

func extendDeadline(ctx context.Context, env *Env, in extendDeadlineIn) (deadlineOut, error) {
	id, err := ID("assignmentId", typeid.Assignment, in.AssignmentID)
	if err != nil {
		return deadlineOut{}, err
	}
	due, err := UnixTime("dueAt", in.DueAt)
	if err != nil {
		return deadlineOut{}, err
	}
	if !due.After(time.Now()) {
		return deadlineOut{}, Invalid("dueAt must be in the future (got %s)", Time(due))
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[deadlineOut]{
		tool: "extend_deadline", args: in,
		run: func(ctx context.Context, dry *bool) (deadlineOut, error) {
			a, err := env.API.LMS.Assignments.ExtendDeadline(ctx, id, &client.ExtendAssignmentDeadlineParams{DryRun: dry}, client.DeadlineExtension{DueAt: due})
			if err != nil {
				return deadlineOut{}, err
			}
			return deadlineOut{ID: a.Id, CourseID: a.CourseId, CourseName: a.CourseName, UserID: a.UserId, UserName: a.UserName,
				Status: string(a.Status), DueAt: TimePtr(a.DueAt)}, nil
		},
		plan: func(o deadlineOut) any { return []any{o.ID, o.Status, o.DueAt} },
	})
}

type sendReminderIn struct {
	Guard
	CourseID string   `json:"courseId" jsonschema:"The course to remind learners about."`
	UserIDs  []string `json:"userIds,omitempty" jsonschema:"Optional. The learners to remind; omit to remind every overdue learner of the course."`
	Message  *string  `json:"message,omitempty" jsonschema:"Optional. A note added to the reminder mail."`
}

// reminderListMax bounds the reminded users a result lists (the count is always exact).
const reminderListMax = 50

type reminderOut struct {
	Planned
	CourseID string `json:"courseId"`
	Sent     int    `json:"sent"`
	// UserIDs lists the reminded users, at most reminderListMax of them.
	UserIDs []string `json:"userIds"`
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o reminderOut) Text() string { return o.Planned.wrap(o.text()) }

func (o reminderOut) text() string {
	if o.Sent == 0 {
		return fmt.Sprintf("No reminder sent for %s: no learner to remind.", o.CourseID)
	}
	s := fmt.Sprintf("Sent %d %s about %s to: %s", o.Sent, plural(o.Sent, "reminder", "reminders"), o.CourseID, strings.Join(o.UserIDs, ", "))
	if more := o.Sent - len(o.UserIDs); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s + "."
}

func sendReminder(ctx context.Context, env *Env, in sendReminderIn) (reminderOut, error) {
	courseID, err := ID("courseId", typeid.Course, in.CourseID)
	if err != nil {
		return reminderOut{}, err
	}
	body := client.ReminderRequest{}
	if in.UserIDs != nil {
		users, err := IDs("userIds", typeid.Person, in.UserIDs, 1)
		if err != nil {
			return reminderOut{}, err
		}
		if err := distinctIDs("userIds", users); err != nil {
			return reminderOut{}, err
		}
		body.UserIds = &users
	}
	if in.Message != nil {
		m := strings.TrimSpace(*in.Message)
		if m == "" {
			return reminderOut{}, Invalid("message is empty; omit it to send the standard reminder")
		}
		body.Message = &m
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[reminderOut]{
		tool: "send_reminder", args: in,
		run: func(ctx context.Context, dry *bool) (reminderOut, error) {
			res, err := env.API.LMS.Assignments.SendReminders(ctx, courseID, &client.SendCourseRemindersParams{DryRun: dry}, body)
			if err != nil {
				return reminderOut{}, err
			}
			ids := res.UserIds
			if len(ids) > reminderListMax {
				ids = ids[:reminderListMax]
			}
			if ids == nil {
				ids = []string{}
			}
			return reminderOut{CourseID: res.CourseId, Sent: res.Sent, UserIDs: ids}, nil
		},
		plan: func(o reminderOut) any { return []any{o.Sent, o.UserIDs} },
		confirm: func(o reminderOut) string {
			if o.Sent > confirmAbove {
				return fmt.Sprintf("this mails a reminder to %d learners", o.Sent)
			}
			return ""
		},
	})
}
