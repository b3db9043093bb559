package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// CreateCourseSection adds a section to a course.
func (s *Server) CreateCourseSection(ctx context.Context, req api.CreateCourseSectionRequestObject) (api.CreateCourseSectionResponseObject, error) {
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
	sec, version, err := s.courses.Courses().AddSection(ctx, id, expected, courses.NewSection{Title: req.Body.Title, Position: req.Body.Position})
	if err != nil {
		return nil, err
	}
	return api.CreateCourseSection201JSONResponse{Body: toAPICourseSection(&sec, courseWithAnswers), Headers: api.CreateCourseSection201ResponseHeaders{ETag: etag(version)}}, nil
}
