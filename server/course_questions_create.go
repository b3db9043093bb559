package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CreateQuizQuestion adds a question to a quiz element.
func (s *Server) CreateQuizQuestion(ctx context.Context, req api.CreateQuizQuestionRequestObject) (api.CreateQuizQuestionResponseObject, error) {
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
	element, err := pathID(ctx, typeid.Element, "elementId", req.ElementId)
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	q, version, err := s.courses.Courses().AddQuestion(ctx, id, element, expected, toModelNewQuestion(*req.Body))
	if err != nil {
		return nil, err
	}
	return api.CreateQuizQuestion201JSONResponse{Body: toAPIQuizQuestion(&q, courseWithAnswers), Headers: api.CreateQuizQuestion201ResponseHeaders{ETag: etag(version)}}, nil
}
