package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateCourseElement applies a merge patch to an element (and may move it).
func (s *Server) UpdateCourseElement(ctx context.Context, req api.UpdateCourseElementRequestObject) (api.UpdateCourseElementResponseObject, error) {
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
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	var section *uuid.UUID
	if body.SectionId != nil {
		u, err := bodyID(ctx, typeid.Section, "/sectionId", *body.SectionId)
		if err != nil {
			return nil, err
		}
		section = &u
	}
	e, version, err := s.courses.Courses().UpdateElement(ctx, id, element, expected, toModelElementChange(*body, section))
	if err != nil {
		return nil, err
	}
	return api.UpdateCourseElement200JSONResponse{Body: toAPICourseElement(&e, courseWithAnswers), Headers: api.UpdateCourseElement200ResponseHeaders{ETag: etag(version)}}, nil
}
