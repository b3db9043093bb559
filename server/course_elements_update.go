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
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return updateCourseElementProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return updateCourseElementProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return updateCourseElementProblem(p)
	}
	element, p := pathID(ctx, typeid.Element, "elementId", req.ElementId)
	if p != nil {
		return updateCourseElementProblem(p)
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return updateCourseElementProblem(&p)
	}
	var section *uuid.UUID
	if body.SectionId != nil {
		u, p := courseBodyID(ctx, typeid.Section, "/sectionId", *body.SectionId)
		if p != nil {
			return updateCourseElementProblem(p)
		}
		section = &u
	}
	e, version, err := s.courses.Courses().UpdateElement(ctx, id, element, expected, toModelElementChange(*body, section))
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return updateCourseElementProblem(p)
		}
		return nil, err
	}
	return api.UpdateCourseElement200JSONResponse{Body: toAPICourseElement(&e, courseWithAnswers), Headers: api.UpdateCourseElement200ResponseHeaders{ETag: etag(version)}}, nil
}

// updateCourseElementProblem answers an expected problem of update element with its typed response.
func updateCourseElementProblem(p *api.Problem) (api.UpdateCourseElementResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UpdateCourseElement400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UpdateCourseElement403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UpdateCourseElement404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.UpdateCourseElement412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.UpdateCourseElement422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("update element", p.Status)
}
