package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// PublishCourse publishes a course that has at least one element and no empty quiz.
func (s *Server) PublishCourse(ctx context.Context, req api.PublishCourseRequestObject) (api.PublishCourseResponseObject, error) {
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
	c, err := s.courses.Courses().Publish(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	return api.PublishCourse200JSONResponse{Body: toAPICourse(c, courseWithAnswers), Headers: api.PublishCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
