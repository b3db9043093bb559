package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseElement deletes an element, healing the path around it.
func (s *Server) DeleteCourseElement(ctx context.Context, req api.DeleteCourseElementRequestObject) (api.DeleteCourseElementResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return deleteCourseElementProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return deleteCourseElementProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return deleteCourseElementProblem(p)
	}
	element, p := pathID(ctx, typeid.Element, "elementId", req.ElementId)
	if p != nil {
		return deleteCourseElementProblem(p)
	}
	version, err := s.courses.Courses().DeleteElement(ctx, id, element, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return deleteCourseElementProblem(p)
		}
		return nil, err
	}
	return api.DeleteCourseElement204Response{Headers: api.DeleteCourseElement204ResponseHeaders{ETag: etag(version)}}, nil
}

// deleteCourseElementProblem answers an expected problem of delete element with its typed response.
func deleteCourseElementProblem(p *api.Problem) (api.DeleteCourseElementResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.DeleteCourseElement400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.DeleteCourseElement403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.DeleteCourseElement404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.DeleteCourseElement412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("delete element", p.Status)
}
