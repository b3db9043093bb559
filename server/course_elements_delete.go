package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseElement deletes an element, healing the path around it.
func (s *Server) DeleteCourseElement(ctx context.Context, req api.DeleteCourseElementRequestObject) (api.DeleteCourseElementResponseObject, error) {
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
	version, err := s.courses.Courses().DeleteElement(ctx, id, element, expected)
	if err != nil {
		return nil, err
	}
	return api.DeleteCourseElement204Response{Headers: api.DeleteCourseElement204ResponseHeaders{ETag: etag(version)}}, nil
}
