package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UnshareCourse removes a user's share of a course.
func (s *Server) UnshareCourse(ctx context.Context, req api.UnshareCourseRequestObject) (api.UnshareCourseResponseObject, error) {
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
	user, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	version, err := s.courses.Courses().Unshare(ctx, id, user, expected)
	if err != nil {
		return nil, err
	}
	return api.UnshareCourse204Response{Headers: api.UnshareCourse204ResponseHeaders{ETag: etag(version)}}, nil
}
