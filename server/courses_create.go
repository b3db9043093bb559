package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// CreateCourse creates an empty draft course owned by the caller.
func (s *Server) CreateCourse(ctx context.Context, req api.CreateCourseRequestObject) (api.CreateCourseResponseObject, error) {
	if err := needPerm(ctx, auth.PermCourseEdit, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	c, err := s.courses.Courses().CreateWithStructure(ctx, toModelCourseDraft(*req.Body))
	if err != nil {
		return nil, err
	}
	out := toAPICourse(c, courseWithAnswers)
	return api.CreateCourse201JSONResponse{Body: out, Headers: api.CreateCourse201ResponseHeaders{ETag: etag(c.Version), Location: courseLocation(out.Id)}}, nil
}
