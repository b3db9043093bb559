package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateQuizQuestion applies a merge patch to a quiz question.
func (s *Server) UpdateQuizQuestion(ctx context.Context, req api.UpdateQuizQuestionRequestObject) (api.UpdateQuizQuestionResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseEdit, true); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	expected, err := optionalPrecondition(ctx, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	question, err := pathID(ctx, typeid.Question, "questionId", req.QuestionId)
	if err != nil {
		return nil, err
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	q, version, err := s.courses.Courses().UpdateQuestion(ctx, id, question, expected, toModelQuestionChange(*body))
	if err != nil {
		return nil, err
	}
	return api.UpdateQuizQuestion200JSONResponse{Body: toAPIQuizQuestion(&q, courseWithAnswers), Headers: api.UpdateQuizQuestion200ResponseHeaders{ETag: etag(version)}}, nil
}
