package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseSection deletes a section with its elements.
func (s *Server) DeleteCourseSection(ctx context.Context, req api.DeleteCourseSectionRequestObject) (api.DeleteCourseSectionResponseObject, error) {
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
	section, err := pathID(ctx, typeid.Section, "sectionId", req.SectionId)
	if err != nil {
		return nil, err
	}
	version, err := s.courses.Courses().DeleteSection(ctx, id, section, expected)
	if err != nil {
		return nil, err
	}
	return api.DeleteCourseSection204Response{Headers: api.DeleteCourseSection204ResponseHeaders{ETag: etag(version)}}, nil
}
