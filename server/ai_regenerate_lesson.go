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

var regenerateLessonResponses = aiResponses[api.RegenerateLessonResponseObject]{
	op: "regenerate lesson",
	badRequest: func(r api.BadRequestApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: r}
	},
	forbidden: func(r api.ForbiddenApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: r}
	},
	notFound: func(r api.NotFoundApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: r}
	},
	conflict: func(r api.ConflictApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: r}
	},
	invalid: func(r api.UnprocessableEntityApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: r}
	},
	tooMany: func(r api.TooManyRequestsApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson429ApplicationProblemPlusJSONResponse{TooManyRequestsApplicationProblemPlusJSONResponse: r}
	},
	badGateway: func(r api.GeneratorFailedApplicationProblemPlusJSONResponse) api.RegenerateLessonResponseObject {
		return api.RegenerateLesson502ApplicationProblemPlusJSONResponse{GeneratorFailedApplicationProblemPlusJSONResponse: r}
	},
}

// RegenerateLesson rewrites one lesson's brief (regenerate_lesson); its pages, title and
// everything else stay as they are. The store audits the old and new brief.
func (s *Server) RegenerateLesson(ctx context.Context, req api.RegenerateLessonRequestObject) (api.RegenerateLessonResponseObject, error) {
	res := regenerateLessonResponses
	if p := aiGate(ctx, true); p != nil {
		return res.problem(p, 0)
	}
	var eid uuid.UUID
	c, p, err := s.aiEditableCourse(ctx, "lesson "+req.LessonId, func() (*courses.Course, error) {
		id, err := typeid.Parse(typeid.Element, req.LessonId)
		if err != nil {
			return nil, store.ErrNotFound
		}
		eid = id
		return s.courses.Courses().EditableByElement(ctx, id)
	})
	if err != nil || p != nil {
		if p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	e := findAIElement(c, eid)
	if e == nil { // deleted between the two reads
		p := newProblem(ctx, kindNotFound, "lesson "+req.LessonId+" not found")
		return res.problem(&p, 0)
	}
	if e.Kind != courses.ElementLesson {
		p := withCode(newProblem(ctx, kindValidation, "only lessons carry a brief; this element is a "+e.Kind), "not_a_lesson")
		return res.problem(&p, 0)
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
	if p, secs, err := s.aiQuota(ctx); err != nil || p != nil {
		if p != nil {
			return res.problem(p, secs)
		}
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
		p, err := s.generatorProblem(ctx, "regenerate lesson", err)
		if p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	out, _, err := s.courses.Courses().UpdateElement(ctx, c.ID, eid, &c.Version, courses.ElementChange{Brief: materials.BriefFromAI(&nb)})
	if err != nil {
		if _, ok := asValidation(err); ok {
			p, err := s.generatorProblem(ctx, "regenerate lesson", err)
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
