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

var refineCourseResponses = aiResponses[api.RefineCourseResponseObject]{
	op: "refine course",
	badRequest: func(r api.BadRequestApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: r}
	},
	forbidden: func(r api.ForbiddenApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: r}
	},
	notFound: func(r api.NotFoundApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: r}
	},
	conflict: func(r api.ConflictApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: r}
	},
	invalid: func(r api.UnprocessableEntityApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: r}
	},
	tooMany: func(r api.TooManyRequestsApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse429ApplicationProblemPlusJSONResponse{TooManyRequestsApplicationProblemPlusJSONResponse: r}
	},
	badGateway: func(r api.GeneratorFailedApplicationProblemPlusJSONResponse) api.RefineCourseResponseObject {
		return api.RefineCourse502ApplicationProblemPlusJSONResponse{GeneratorFailedApplicationProblemPlusJSONResponse: r}
	},
}

// RefineCourse appends AI-written sections to a course the caller may edit
// (refine_course): append-only, in one transaction that changes nothing that exists.
func (s *Server) RefineCourse(ctx context.Context, req api.RefineCourseRequestObject) (api.RefineCourseResponseObject, error) {
	res := refineCourseResponses
	if p := aiGate(ctx, true); p != nil {
		return res.problem(p, 0)
	}
	if req.Body == nil {
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return res.problem(&p, 0)
	}
	feedback := strings.TrimSpace(req.Body.Feedback)
	if feedback == "" {
		p := withFields(newProblem(ctx, kindValidation, "the request body is invalid"), []api.FieldError{{Pointer: ptr("/feedback"), Detail: "must not be blank"}})
		return res.problem(&p, 0)
	}
	c, p, err := s.aiEditableCourse(ctx, "course "+req.CourseId, func() (*courses.Course, error) {
		id, err := typeid.Parse(typeid.Course, req.CourseId)
		if err != nil {
			return nil, store.ErrNotFound
		}
		return s.courses.Courses().Editable(ctx, id)
	})
	if err != nil || p != nil {
		if p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	if s.gen == nil {
		return nil, errNoGenerator
	}
	src, err := s.aiSource(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if p, secs, err := s.aiQuota(ctx); err != nil || p != nil {
		if p != nil {
			return res.problem(p, secs)
		}
		return nil, err
	}
	secs, err := s.gen.Refine(ctx, ai.RefineRequest{Course: materials.AICourse(c), Feedback: feedback, Retrieve: src.retrieve, Language: src.language})
	if err == nil {
		err = ai.ValidateSections(secs)
	}
	if err != nil {
		p, err := s.generatorProblem(ctx, "refine", err)
		if p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	out, err := s.courses.Courses().AppendSections(ctx, c.ID, &c.Version, materials.SectionDraftsFromAI(secs), nil,
		courses.AppendMode{LinkInOrder: true, BeforeFinalQuiz: true})
	if err != nil {
		if _, ok := asValidation(err); ok { // the generator's sections break a store rule
			p, err := s.generatorProblem(ctx, "refine", err)
			if p != nil {
				return res.problem(p, 0)
			}
			return nil, err
		}
		if p := aiCourseProblem(ctx, err); p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	return api.RefineCourse200JSONResponse(toAPIRefineResult(typeid.Format(typeid.Course, c.ID), out, len(secs))), nil
}
