package server

import (
	"context"
	"strings"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// RefineCourse appends AI-written sections to a course the caller may edit
// (refine_course): append-only, in one transaction that changes nothing that exists.
func (s *Server) RefineCourse(ctx context.Context, req api.RefineCourseRequestObject) (api.RefineCourseResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	feedback := strings.TrimSpace(req.Body.Feedback)
	if feedback == "" {
		return nil, fail(withFields(newProblem(ctx, kindValidation, "the request body is invalid"), []api.FieldError{{Pointer: ptr("/feedback"), Detail: "must not be blank"}}))
	}
	id, err := typeid.Parse(typeid.Course, req.CourseId)
	if err != nil { // a malformed id names no course
		return nil, about(store.ErrNotFound, "course "+req.CourseId)
	}
	c, err := s.courses.Courses().Editable(ctx, id)
	if err != nil {
		return nil, about(err, "course "+req.CourseId)
	}
	if s.gen == nil {
		return nil, errNoGenerator
	}
	src, err := s.aiSource(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if err := s.aiQuota(ctx); err != nil {
		return nil, err
	}
	secs, err := s.gen.Refine(ctx, ai.RefineRequest{Course: materials.AICourse(c), Feedback: feedback, Retrieve: src.retrieve, Language: src.language})
	if err == nil {
		err = ai.ValidateSections(secs)
	}
	if err != nil {
		return nil, s.generatorFailed(ctx, "refine", err)
	}
	out, err := s.courses.Courses().AppendSections(ctx, c.ID, &c.Version, materials.SectionDraftsFromAI(secs), nil,
		courses.AppendMode{LinkInOrder: true, BeforeFinalQuiz: true})
	if err != nil {
		return nil, aiWrite(err)
	}
	return api.RefineCourse200JSONResponse(toAPIRefineResult(typeid.Format(typeid.Course, c.ID), out, len(secs))), nil
}
