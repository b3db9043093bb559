package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteQuizQuestion deletes a quiz question.
func (s *Server) DeleteQuizQuestion(ctx context.Context, req api.DeleteQuizQuestionRequestObject) (api.DeleteQuizQuestionResponseObject, error) {
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
	version, err := s.courses.Courses().DeleteQuestion(ctx, id, question, expected)
	if err != nil {
		return nil, err
	}
	return api.DeleteQuizQuestion204Response{Headers: api.DeleteQuizQuestion204ResponseHeaders{ETag: etag(version)}}, nil
}
