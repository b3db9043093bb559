package tools

// AI course refinement (seed 003): refine_course (append-only), regenerate_question and
// regenerate_lesson. Each counts one call against the daily AI quota.

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// feedbackMax bounds a feedback input (the API's limit).
const feedbackMax = 5000

func init() {
	feedback := func(s *jsonschema.Schema) { SetLength(s, "feedback", 1, feedbackMax) }
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "refine_course",
			Description: "Append new elements to an existing course. Append-only by design — this tool cannot delete or " +
				"modify anything that already exists, only add. Use when the author says “add a section on X” or “add " +
				"more practice” or “tack a survey at the end”. Needs course_edit on the specific course (its owner, a " +
				"share, or an admin) and the AI licence; counts one call against the daily AI quota.",
			Annotations: Additive("Refine a course", false),
		},
		Schema: feedback,
	}, refineCourse)
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "regenerate_question",
			Description: "Replace a single quiz question’s text and options. The new question stays on the same concept " +
				"as the old one (we’re not drifting to a new subject — just rewriting). Previous content is preserved in " +
				"your workspace audit log. Needs course_edit on the parent course and the AI licence; counts one call " +
				"against the daily AI quota.",
			Annotations: Destructive("Regenerate a quiz question", false),
		},
		Schema: feedback,
	}, regenerateQuestion)
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "regenerate_lesson",
			Description: "Regenerate the AI-authored brief that drives the lesson’s content. Safe by construction — this " +
				"does NOT touch any pages the author has already created; it only updates the brief that the editor uses " +
				"to bootstrap new content. Returns the new brief (topic, title, description, keyPoints, targetAudience). " +
				"Needs course_edit on the parent course and the AI licence; counts one call against the daily AI quota.",
			Annotations: Destructive("Regenerate a lesson brief", false),
		},
		Schema: feedback,
	}, regenerateLesson)
}

type refineCourseIn struct {
	CourseID string `json:"courseId" jsonschema:"The course to extend. Get this from find_course or get_course."`
	Feedback string `json:"feedback" jsonschema:"Plain-English description of what to add. Examples: “Add a section on emergency procedures”, “Add two more practice quizzes after lesson 3”, “Add a final survey for course feedback”."`
}

type refineCourseOut struct {
	CourseID         string `json:"courseId"`
	ElementsAdded    int    `json:"elementsAdded"`
	TransitionsAdded int    `json:"transitionsAdded"`
	Message          string `json:"message"`
}

func (o refineCourseOut) Text() string {
	return fmt.Sprintf("%s: %d %s and %d %s added. %s", o.CourseID, o.ElementsAdded, plural(o.ElementsAdded, "element", "elements"),
		o.TransitionsAdded, plural(o.TransitionsAdded, "transition", "transitions"), o.Message)
}

func refineCourse(ctx context.Context, env *Env, in refineCourseIn) (refineCourseOut, error) {
	id, err := ID("courseId", typeid.Course, in.CourseID)
	if err != nil {
		return refineCourseOut{}, err
	}
	fb := strings.TrimSpace(in.Feedback)
	if fb == "" {
		return refineCourseOut{}, Invalid("feedback is empty: describe what to add")
	}
	r, err := env.API.LMS.AI.RefineCourse(ctx, id, client.CourseRefineRequest{Feedback: fb})
	if err != nil {
		return refineCourseOut{}, err
	}
	return refineCourseOut{CourseID: r.CourseId, ElementsAdded: r.ElementsAdded, TransitionsAdded: r.TransitionsAdded, Message: r.Message}, nil
}

// regenerateRequest is a regenerate request with the optional feedback (left out when
// absent or blank: the generic clearer version).
func regenerateRequest(fb *string) client.RegenerateRequest {
	if fb == nil || strings.TrimSpace(*fb) == "" {
		return client.RegenerateRequest{}
	}
	s := strings.TrimSpace(*fb)
	return client.RegenerateRequest{Feedback: &s}
}

type regenerateQuestionIn struct {
	QuestionID string  `json:"questionId" jsonschema:"The question to regenerate. Single-choice questions only."`
	Feedback   *string `json:"feedback,omitempty" jsonschema:"Optional. What’s wrong with the current question and how to improve it. Examples: “Make it harder”, “The distractors are too obvious”, “Reword for clarity”. Omit for a generic “clearer version”."`
}

type optionOut struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Correct  bool   `json:"correct"`
	Feedback string `json:"feedback,omitempty" jsonschema:"Shown to the learner after choosing this option, when there is any."`
}

type regenerateQuestionOut struct {
	QuestionID string      `json:"questionId"`
	NewText    string      `json:"text"`
	Options    []optionOut `json:"options"`
	Message    string      `json:"message"`
}

func (o regenerateQuestionOut) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", o.QuestionID, o.NewText)
	for _, op := range o.Options {
		mark := " "
		if op.Correct {
			mark = "✓"
		}
		fmt.Fprintf(&b, "\n%s %s) %s", mark, op.ID, op.Text)
		if op.Feedback != "" {
			fmt.Fprintf(&b, " — feedback: %s", op.Feedback)
		}
	}
	if o.Message != "" {
		b.WriteString("\n" + o.Message)
	}
	return b.String()
}

func regenerateQuestion(ctx context.Context, env *Env, in regenerateQuestionIn) (regenerateQuestionOut, error) {
	id, err := ID("questionId", typeid.Question, in.QuestionID)
	if err != nil {
		return regenerateQuestionOut{}, err
	}
	q, err := env.API.LMS.AI.RegenerateQuestion(ctx, id, regenerateRequest(in.Feedback))
	if err != nil {
		return regenerateQuestionOut{}, err
	}
	out := regenerateQuestionOut{QuestionID: q.QuestionId, NewText: q.Text, Options: make([]optionOut, 0, len(q.Options)), Message: q.Message}
	for _, o := range q.Options {
		out.Options = append(out.Options, optionOut{ID: o.Id, Text: o.Text, Correct: o.Correct != nil && *o.Correct, Feedback: briefField(o.Feedback)})
	}
	return out, nil
}

type regenerateLessonIn struct {
	LessonID string  `json:"lessonId" jsonschema:"The lesson to regenerate the brief for."`
	Feedback *string `json:"feedback,omitempty" jsonschema:"Optional. What’s wrong with the current brief and how to improve it. Examples: “Add a section on the regulatory context”, “Reduce to 3 key points”, “Target supervisors, not learners”. Omit for a generic clarity pass."`
}

type briefOut struct {
	Topic          string   `json:"topic"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	KeyPoints      []string `json:"keyPoints"`
	TargetAudience string   `json:"targetAudience"`
}

type regenerateLessonOut struct {
	LessonID string   `json:"lessonId"`
	Brief    briefOut `json:"brief"`
}

func (o regenerateLessonOut) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "New brief of %s: %s (topic: %s; for %s)\n%s", o.LessonID, o.Brief.Title, o.Brief.Topic, o.Brief.TargetAudience, o.Brief.Description)
	for _, p := range o.Brief.KeyPoints {
		b.WriteString("\n- " + p)
	}
	return b.String()
}

func regenerateLesson(ctx context.Context, env *Env, in regenerateLessonIn) (regenerateLessonOut, error) {
	id, err := ID("lessonId", typeid.Element, in.LessonID)
	if err != nil {
		return regenerateLessonOut{}, err
	}
	l, err := env.API.LMS.AI.RegenerateLesson(ctx, id, regenerateRequest(in.Feedback))
	if err != nil {
		return regenerateLessonOut{}, err
	}
	br := l.Brief
	out := regenerateLessonOut{LessonID: l.LessonId, Brief: briefOut{Topic: briefField(br.Topic), Title: briefField(br.Title),
		Description: briefField(br.Description), TargetAudience: briefField(br.TargetAudience), KeyPoints: []string{}}}
	if br.KeyPoints != nil {
		out.Brief.KeyPoints = *br.KeyPoints
	}
	return out, nil
}

// briefField is an optional member of a brief or an option, "" when absent.
func briefField(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
