package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourse soft-deletes a course; its assignments, progress and certificates stay as
// history and its group assignment rules go.
func (s *Server) DeleteCourse(ctx context.Context, req api.DeleteCourseRequestObject) (api.DeleteCourseResponseObject, error) {
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
	if err := s.courses.Courses().Delete(ctx, id, expected); err != nil {
		return nil, err
	}
	return api.DeleteCourse204Response{}, nil
}
