package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// CreateCourseTransition links two elements of a course.
func (s *Server) CreateCourseTransition(ctx context.Context, req api.CreateCourseTransitionRequestObject) (api.CreateCourseTransitionResponseObject, error) {
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
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	from, err := bodyID(ctx, typeid.Element, "/fromElementId", req.Body.FromElementId)
	if err != nil {
		return nil, err
	}
	to, err := bodyID(ctx, typeid.Element, "/toElementId", req.Body.ToElementId)
	if err != nil {
		return nil, err
	}
	tr := courses.CourseTransition{From: from, To: to}
	version, err := s.courses.Courses().AddTransition(ctx, id, expected, tr)
	if err != nil {
		return nil, err
	}
	return api.CreateCourseTransition201JSONResponse{Body: toAPICourseTransition(tr), Headers: api.CreateCourseTransition201ResponseHeaders{ETag: etag(version)}}, nil
}
