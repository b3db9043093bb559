package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseTransition removes a transition.
func (s *Server) DeleteCourseTransition(ctx context.Context, req api.DeleteCourseTransitionRequestObject) (api.DeleteCourseTransitionResponseObject, error) {
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
	from, err := pathID(ctx, typeid.Element, "fromElementId", req.Params.FromElementId)
	if err != nil {
		return nil, err
	}
	to, err := pathID(ctx, typeid.Element, "toElementId", req.Params.ToElementId)
	if err != nil {
		return nil, err
	}
	version, err := s.courses.Courses().DeleteTransition(ctx, id, expected, courses.CourseTransition{From: from, To: to})
	if err != nil {
		return nil, err
	}
	return api.DeleteCourseTransition204Response{Headers: api.DeleteCourseTransition204ResponseHeaders{ETag: etag(version)}}, nil
}
