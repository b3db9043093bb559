package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// --- bulk_assign (registered in write_assign.go)

type bulkAssignIn struct {
	Guard
	GroupID   string   `json:"groupId" jsonschema:"Group whose members get the assignments."`
	CourseIDs []string `json:"courseIds" jsonschema:"One or more courses to assign."`
	DueAt     *int64   `json:"dueAt,omitempty" jsonschema:"Unix-timestamp deadline applied to ALL assignments."`
}

// bulkCourseOut is the outcome of one course of a bulk_assign.
type bulkCourseOut struct {
	CourseID        string `json:"courseId"`
	Assigned        int    `json:"assigned"`
	AlreadyAssigned int    `json:"alreadyAssigned"`
	Skipped         int    `json:"skipped,omitempty"`
	// AssignedUsers are the learners who get a new assignment; SkippedUsers the banned
	// members, who are not assigned.
	AssignedUsers []string `json:"assignedUsers,omitempty"`
	SkippedUsers  []string `json:"skippedUsers,omitempty"`
	Error         *string  `json:"error,omitempty"`
}

type bulkAssignOut struct {
	Planned
	GroupID         string          `json:"groupId"`
	DueAt           *string         `json:"dueAt,omitempty"`
	Assigned        int             `json:"assigned"`
	AlreadyAssigned int             `json:"alreadyAssigned"`
	Failed          int             `json:"failed"`
	Courses         []bulkCourseOut `json:"courses"`
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o bulkAssignOut) Text() string { return o.Planned.wrap(o.text()) }

func (o bulkAssignOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Group %s: %d new %s, %d already held", o.GroupID, o.Assigned, plural(o.Assigned, "assignment", "assignments"), o.AlreadyAssigned)
	if o.DueAt != nil {
		b.WriteString(", due " + *o.DueAt)
	}
	if o.Failed > 0 {
		fmt.Fprintf(&b, "; %d of %d %s failed", o.Failed, len(o.Courses), plural(len(o.Courses), "course", "courses"))
	}
	b.WriteString(".")
	for _, c := range o.Courses {
		if c.Error != nil {
			fmt.Fprintf(&b, "\n- %s: failed — %s", c.CourseID, *c.Error)
			continue
		}
		fmt.Fprintf(&b, "\n- %s: %d assigned, %d already held", c.CourseID, c.Assigned, c.AlreadyAssigned)
		if c.Skipped > 0 {
			fmt.Fprintf(&b, ", %d banned skipped", c.Skipped)
		}
		if len(c.AssignedUsers) > 0 {
			b.WriteString("\n  assigned: " + strings.Join(c.AssignedUsers, ", "))
		}
		if len(c.SkippedUsers) > 0 {
			b.WriteString("\n  skipped (banned): " + strings.Join(c.SkippedUsers, ", "))
		}
	}
	return b.String()
}

func bulkAssign(ctx context.Context, env *Env, in bulkAssignIn) (bulkAssignOut, error) {
	groupID, err := ID("groupId", typeid.Group, in.GroupID)
	if err != nil {
		return bulkAssignOut{}, err
	}
	courses, err := IDs("courseIds", typeid.Course, in.CourseIDs, 1)
	if err != nil {
		return bulkAssignOut{}, err
	}
	if err := distinctIDs("courseIds", courses); err != nil {
		return bulkAssignOut{}, err
	}
	due, err := UnixTimePtr("dueAt", in.DueAt)
	if err != nil {
		return bulkAssignOut{}, err
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[bulkAssignOut]{
		tool: "bulk_assign", args: in,
		run: func(ctx context.Context, dry *bool) (bulkAssignOut, error) {
			return bulkAssignAll(ctx, env, groupID, courses, due, dry)
		},
		plan: func(o bulkAssignOut) any { return o.Courses },
		confirm: func(o bulkAssignOut) string {
			n := 0
			for _, c := range o.Courses {
				n = max(n, c.Assigned)
			}
			if n > confirmAbove {
				return fmt.Sprintf("this assigns %d %s to %d learners", len(o.Courses), plural(len(o.Courses), "course", "courses"), n)
			}
			return ""
		},
	})
}

// bulkAssignAll makes (or, with dry, rehearses) bulk_assign's API calls, one per course.
func bulkAssignAll(ctx context.Context, env *Env, groupID string, courses []string, due *time.Time, dry *bool) (bulkAssignOut, error) {
	out := bulkAssignOut{GroupID: groupID, DueAt: TimePtr(due), Courses: make([]bulkCourseOut, 0, len(courses))}
	var errs []error
	for _, c := range courses {
		if err := ctx.Err(); err != nil {
			return bulkAssignOut{}, err
		}
		res, err := env.API.LMS.Assignments.AssignGroups(ctx, c, &client.AssignCourseToGroupsParams{DryRun: dry}, client.AssignGroupsRequest{Groups: []client.GroupID{groupID}, DueAt: due})
		if err != nil {
			errs = append(errs, err)
			out.Courses = append(out.Courses, bulkCourseOut{CourseID: c, Error: Ptr(ErrorText(err))})
			out.Failed++
			continue
		}
		co := bulkCourseOut{CourseID: c, Assigned: res.Assigned, AlreadyAssigned: res.AlreadyAssigned}
		for _, g := range res.Groups {
			co.Skipped += g.Skipped
			if g.AssignedUsers != nil {
				co.AssignedUsers = append(co.AssignedUsers, *g.AssignedUsers...)
			}
			if g.SkippedUsers != nil {
				co.SkippedUsers = append(co.SkippedUsers, *g.SkippedUsers...)
			}
		}
		out.Courses = append(out.Courses, co)
		out.Assigned += res.Assigned
		out.AlreadyAssigned += res.AlreadyAssigned
	}
	// Every course failed the same way (no permission, an unknown group): one tool error
	// says it best. Mixed outcomes are reported per course.
	if len(errs) == len(courses) && sameErrorText(errs) {
		return bulkAssignOut{}, errs[0]
	}
	return out, nil
}

// sameErrorText reports whether every error maps to the same tool error text.
func sameErrorText(errs []error) bool {
	for _, err := range errs[1:] {
		if ErrorText(err) != ErrorText(errs[0]) {
			return false
		}
	}
	return true
}

// distinctIDs rejects a list of ids naming one twice.
func distinctIDs(field string, ids []string) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return Invalid("%s lists %s more than once", field, id)
		}
		seen[id] = true
	}
	return nil
}
