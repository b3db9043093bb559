package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CreateCourseElement adds a lesson, quiz or survey to a section, spliced into the path
// unless autoLink is false.
func (s *Server) CreateCourseElement(ctx context.Context, req api.CreateCourseElementRequestObject) (api.CreateCourseElementResponseObject, error) {
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
	section, err := bodyID(ctx, typeid.Section, "/sectionId", req.Body.SectionId)
	if err != nil {
		return nil, err
	}
	e, version, err := s.courses.Courses().AddElement(ctx, id, expected, toModelNewElement(*req.Body, section))
	if err != nil {
		return nil, err
	}
	return api.CreateCourseElement201JSONResponse{Body: toAPICourseElement(&e, courseWithAnswers), Headers: api.CreateCourseElement201ResponseHeaders{ETag: etag(version)}}, nil
}
