package tools

// The course write tool of seed 003: clone_course.

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

func init() {
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "clone_course",
			Description: "Duplicate an existing course (creates an unpublished copy that you can then edit). Useful as " +
				"the first step when forking a course for a different audience or location. The copy, named " +
				"“<name> (copy)”, is a draft owned by you with the whole structure (sections, lessons, quizzes). " +
				"Needs course_edit.",
			Annotations: Additive("Clone a course", false),
		},
	}, cloneCourse)
}

type cloneCourseIn struct {
	Guard
	CourseID string `json:"courseId" jsonschema:"Course to clone."`
}

type cloneCourseOut struct {
	Planned
	ID             string `json:"id"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	OwnerID        string `json:"ownerId"`
	SourceCourseID string `json:"sourceCourseId"`
	Sections       int    `json:"sections"`
	Elements       int    `json:"elements"`
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o cloneCourseOut) Text() string { return o.Planned.wrap(o.text()) }

func (o cloneCourseOut) text() string {
	return fmt.Sprintf("Cloned %s as “%s” (%s): a %s copy with %d %s and %d %s, owned by %s. Edit it, then publish it before assigning.",
		o.SourceCourseID, o.Name, o.ID, o.Status, o.Sections, plural(o.Sections, "section", "sections"),
		o.Elements, plural(o.Elements, "element", "elements"), o.OwnerID)
}

func cloneCourse(ctx context.Context, env *Env, in cloneCourseIn) (cloneCourseOut, error) {
	id, err := ID("courseId", typeid.Course, in.CourseID)
	if err != nil {
		return cloneCourseOut{}, err
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[cloneCourseOut]{
		tool: "clone_course", args: in,
		run: func(ctx context.Context, dry *bool) (cloneCourseOut, error) {
			c, err := env.API.LMS.Courses.Clone(ctx, &client.CloneCourseParams{DryRun: dry}, client.CourseClone{CourseId: id})
			if err != nil {
				return cloneCourseOut{}, err
			}
			out := cloneCourseOut{ID: c.Id, Name: c.Name, Status: string(c.Status), OwnerID: c.OwnerId, SourceCourseID: id,
				Sections: len(c.Structure.Sections)}
			for _, s := range c.Structure.Sections {
				out.Elements += len(s.Elements)
			}
			return out, nil
		},
		plan: func(o cloneCourseOut) any { return []any{o.SourceCourseID, o.Name, o.Sections, o.Elements} },
	})
}
