package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourseSection renames or moves a section.
func (s *Server) UpdateCourseSection(ctx context.Context, req api.UpdateCourseSectionRequestObject) (api.UpdateCourseSectionResponseObject, error) {
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
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	sec, version, err := s.courses.Courses().UpdateSection(ctx, id, section, expected, courses.SectionChange{Title: body.Title, Position: body.Position})
	if err != nil {
		return nil, err
	}
	return api.UpdateCourseSection200JSONResponse{Body: toAPICourseSection(&sec, courseWithAnswers), Headers: api.UpdateCourseSection200ResponseHeaders{ETag: etag(version)}}, nil
}
