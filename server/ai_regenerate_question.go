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

// RegenerateQuestion rewrites one single-choice quiz question on the same concept
// (regenerate_question). The store audits the change with the old question as before.
func (s *Server) RegenerateQuestion(ctx context.Context, req api.RegenerateQuestionRequestObject) (api.RegenerateQuestionResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	qid, err := typeid.Parse(typeid.Question, req.QuestionId)
	if err != nil { // a malformed id names no question
		return nil, about(store.ErrNotFound, "question "+req.QuestionId)
	}
	c, err := s.courses.Courses().EditableByQuestion(ctx, qid)
	if err != nil {
		return nil, about(err, "question "+req.QuestionId)
	}
	quiz, q := findAIQuestion(c, qid)
	if q == nil { // deleted between the two reads
		return nil, about(store.ErrNotFound, "question "+req.QuestionId)
	}
	if q.Kind != courses.QuestionSingle {
		return nil, fail(withCode(newProblem(ctx, kindValidation, "only single-choice questions can be regenerated; this one is "+q.Kind+"-choice"), "not_single_choice"))
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
	if err := s.aiQuota(ctx); err != nil {
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
		return nil, s.generatorFailed(ctx, "regenerate question", err)
	}
	d := materials.QuestionDraftFromAI(nq)
	kind := courses.QuestionSingle
	out, _, err := s.courses.Courses().UpdateQuestion(ctx, c.ID, qid, &c.Version, courses.QuestionChange{Kind: &kind, Text: &d.Text, Options: &d.Options})
	if err != nil {
		return nil, aiWrite(err)
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
