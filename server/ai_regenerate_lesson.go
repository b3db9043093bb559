package server

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// RegenerateLesson rewrites one lesson's brief (regenerate_lesson); its pages, title and
// everything else stay as they are. The store audits the old and new brief.
func (s *Server) RegenerateLesson(ctx context.Context, req api.RegenerateLessonRequestObject) (api.RegenerateLessonResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	eid, err := typeid.Parse(typeid.Element, req.LessonId)
	if err != nil { // a malformed id names no lesson
		return nil, about(store.ErrNotFound, "lesson "+req.LessonId)
	}
	c, err := s.courses.Courses().EditableByElement(ctx, eid)
	if err != nil {
		return nil, about(err, "lesson "+req.LessonId)
	}
	e := findAIElement(c, eid)
	if e == nil { // deleted between the two reads
		return nil, about(store.ErrNotFound, "lesson "+req.LessonId)
	}
	if e.Kind != courses.ElementLesson {
		return nil, fail(withCode(newProblem(ctx, kindValidation, "only lessons carry a brief; this element is a "+e.Kind), "not_a_lesson"))
	}
	if s.gen == nil {
		return nil, errNoGenerator
	}
	brief := materials.AIBrief(e.Brief)
	if e.Brief == nil { // a lesson written by hand: start from its title
		brief.Title, brief.Topic = e.Title, e.Title
	}
	src, err := s.aiSource(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	chunks, err := src.lessonContext(ctx, brief)
	if err != nil {
		return nil, err
	}
	if err := s.aiQuota(ctx); err != nil {
		return nil, err
	}
	var feedback string
	if req.Body != nil && req.Body.Feedback != nil {
		feedback = strings.TrimSpace(*req.Body.Feedback)
	}
	nb, err := s.gen.Brief(ctx, ai.BriefRequest{CourseTitle: c.Name, Brief: brief, Feedback: feedback, Context: chunks, Language: src.language})
	if err == nil {
		err = ai.ValidateBrief(nb)
	}
	if err != nil {
		return nil, s.generatorFailed(ctx, "regenerate lesson", err)
	}
	out, _, err := s.courses.Courses().UpdateElement(ctx, c.ID, eid, &c.Version, courses.ElementChange{Brief: materials.BriefFromAI(&nb)})
	if err != nil {
		return nil, aiWrite(err)
	}
	return api.RegenerateLesson200JSONResponse(toAPIRegeneratedLesson(out)), nil
}

// findAIElement finds element id in c.
func findAIElement(c *courses.Course, id uuid.UUID) *courses.CourseElement {
	for si := range c.Sections {
		for ei := range c.Sections[si].Elements {
			if e := &c.Sections[si].Elements[ei]; e.ID == id {
				return e
			}
		}
	}
	return nil
}
