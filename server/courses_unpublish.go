package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UnpublishCourse takes a published course back to draft (or archives it).
func (s *Server) UnpublishCourse(ctx context.Context, req api.UnpublishCourseRequestObject) (api.UnpublishCourseResponseObject, error) {
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
	c, err := s.courses.Courses().Unpublish(ctx, id, expected, deref(req.Params.Archive))
	if err != nil {
		return nil, err
	}
	return api.UnpublishCourse200JSONResponse{Body: toAPICourse(c, courseWithAnswers), Headers: api.UnpublishCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
