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

var regenerateQuestionResponses = aiResponses[api.RegenerateQuestionResponseObject]{
	op: "regenerate question",
	badRequest: func(r api.BadRequestApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: r}
	},
	forbidden: func(r api.ForbiddenApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: r}
	},
	notFound: func(r api.NotFoundApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: r}
	},
	conflict: func(r api.ConflictApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: r}
	},
	invalid: func(r api.UnprocessableEntityApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: r}
	},
	tooMany: func(r api.TooManyRequestsApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion429ApplicationProblemPlusJSONResponse{TooManyRequestsApplicationProblemPlusJSONResponse: r}
	},
	badGateway: func(r api.GeneratorFailedApplicationProblemPlusJSONResponse) api.RegenerateQuestionResponseObject {
		return api.RegenerateQuestion502ApplicationProblemPlusJSONResponse{GeneratorFailedApplicationProblemPlusJSONResponse: r}
	},
}

// RegenerateQuestion rewrites one single-choice quiz question on the same concept
// (regenerate_question). The store audits the change with the old question as before.
func (s *Server) RegenerateQuestion(ctx context.Context, req api.RegenerateQuestionRequestObject) (api.RegenerateQuestionResponseObject, error) {
	res := regenerateQuestionResponses
	if p := aiGate(ctx, true); p != nil {
		return res.problem(p, 0)
	}
	var qid uuid.UUID
	c, p, err := s.aiEditableCourse(ctx, "question "+req.QuestionId, func() (*courses.Course, error) {
		id, err := typeid.Parse(typeid.Question, req.QuestionId)
		if err != nil {
			return nil, store.ErrNotFound
		}
		qid = id
		return s.courses.Courses().EditableByQuestion(ctx, id)
	})
	if err != nil || p != nil {
		if p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	quiz, q := findAIQuestion(c, qid)
	if q == nil { // deleted between the two reads
		p := newProblem(ctx, kindNotFound, "question "+req.QuestionId+" not found")
		return res.problem(&p, 0)
	}
	if q.Kind != courses.QuestionSingle {
		p := withCode(newProblem(ctx, kindValidation, "only single-choice questions can be regenerated; this one is "+q.Kind+"-choice"), "not_single_choice")
		return res.problem(&p, 0)
	}
	if s.gen == nil {
		return nil, errNoGenerator
	}
	src, err := s.aiSource(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	chunks, err := s.questionContext(ctx, src, q)
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
	nq, err := s.gen.Question(ctx, ai.QuestionRequest{CourseTitle: c.Name, LessonTitle: quiz.Title, Question: materials.AIQuestion(*q),
		Feedback: feedback, Context: chunks, Language: src.language})
	if err == nil {
		nq.Kind = courses.QuestionSingle
		err = ai.ValidateQuestion(nq)
	}
	if err != nil {
		p, err := s.generatorProblem(ctx, "regenerate question", err)
		if p != nil {
			return res.problem(p, 0)
		}
		return nil, err
	}
	d := materials.QuestionDraftFromAI(nq)
	kind := courses.QuestionSingle
	out, _, err := s.courses.Courses().UpdateQuestion(ctx, c.ID, qid, &c.Version, courses.QuestionChange{Kind: &kind, Text: &d.Text, Options: &d.Options})
	if err != nil {
		if _, ok := asValidation(err); ok {
			p, err := s.generatorProblem(ctx, "regenerate question", err)
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
	return api.RegenerateQuestion200JSONResponse(toAPIRegeneratedQuestion(out)), nil
}

// findAIQuestion finds question id in c, with the quiz holding it.
func findAIQuestion(c *courses.Course, id uuid.UUID) (*courses.CourseElement, *courses.QuizQuestion) {
	for si := range c.Sections {
		for ei := range c.Sections[si].Elements {
			e := &c.Sections[si].Elements[ei]
			for qi := range e.Questions {
				if e.Questions[qi].ID == id {
					return e, &e.Questions[qi]
				}
			}
		}
	}
	return nil, nil
}
