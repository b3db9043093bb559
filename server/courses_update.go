package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourse applies a merge patch to a course's name, annotation, tags and settings.
func (s *Server) UpdateCourse(ctx context.Context, req api.UpdateCourseRequestObject) (api.UpdateCourseResponseObject, error) {
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
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	c, err := s.courses.Courses().Update(ctx, id, expected, toModelCourseChange(*body))
	if err != nil {
		return nil, err
	}
	return api.UpdateCourse200JSONResponse{Body: toAPICourse(c, courseWithAnswers), Headers: api.UpdateCourse200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
