package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CloneCourse copies a course with its whole structure into a draft owned by the caller
// (clone_course).
func (s *Server) CloneCourse(ctx context.Context, req api.CloneCourseRequestObject) (api.CloneCourseResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermCourseEdit, true); err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	id, err := bodyID(ctx, typeid.Course, "/courseId", req.Body.CourseId)
	if err != nil {
		return nil, err
	}
	c, err := s.courses.Courses().Clone(ctx, id, req.Body.Name)
	if err != nil {
		return nil, about(err, "course "+req.Body.CourseId)
	}
	out := toAPICourse(c, courseWithAnswers)
	return api.CloneCourse201JSONResponse{Body: out, Headers: api.CloneCourse201ResponseHeaders{ETag: etag(c.Version), Location: courseLocation(out.Id)}}, nil
}
