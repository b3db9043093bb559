package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// DeleteCourseTransition removes a transition.
func (s *Server) DeleteCourseTransition(ctx context.Context, req api.DeleteCourseTransitionRequestObject) (api.DeleteCourseTransitionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return deleteCourseTransitionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return deleteCourseTransitionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return deleteCourseTransitionProblem(p)
	}
	from, p := pathID(ctx, typeid.Element, "fromElementId", req.Params.FromElementId)
	if p != nil {
		return deleteCourseTransitionProblem(p)
	}
	to, p := pathID(ctx, typeid.Element, "toElementId", req.Params.ToElementId)
	if p != nil {
		return deleteCourseTransitionProblem(p)
	}
	version, err := s.courses.Courses().DeleteTransition(ctx, id, expected, courses.CourseTransition{From: from, To: to})
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return deleteCourseTransitionProblem(p)
		}
		return nil, err
	}
	return api.DeleteCourseTransition204Response{Headers: api.DeleteCourseTransition204ResponseHeaders{ETag: etag(version)}}, nil
}

// deleteCourseTransitionProblem answers an expected problem of delete transition with its typed response.
func deleteCourseTransitionProblem(p *api.Problem) (api.DeleteCourseTransitionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.DeleteCourseTransition400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.DeleteCourseTransition403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.DeleteCourseTransition404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.DeleteCourseTransition412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("delete transition", p.Status)
}
