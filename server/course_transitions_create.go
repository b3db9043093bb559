package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// CreateCourseTransition links two elements of a course.
func (s *Server) CreateCourseTransition(ctx context.Context, req api.CreateCourseTransitionRequestObject) (api.CreateCourseTransitionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return createCourseTransitionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return createCourseTransitionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return createCourseTransitionProblem(p)
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return createCourseTransitionProblem(&p)
	}
	from, p := courseBodyID(ctx, typeid.Element, "/fromElementId", req.Body.FromElementId)
	if p != nil {
		return createCourseTransitionProblem(p)
	}
	to, p := courseBodyID(ctx, typeid.Element, "/toElementId", req.Body.ToElementId)
	if p != nil {
		return createCourseTransitionProblem(p)
	}
	tr := courses.CourseTransition{From: from, To: to}
	version, err := s.courses.Courses().AddTransition(ctx, id, expected, tr)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return createCourseTransitionProblem(p)
		}
		return nil, err
	}
	return api.CreateCourseTransition201JSONResponse{Body: toAPICourseTransition(tr), Headers: api.CreateCourseTransition201ResponseHeaders{ETag: etag(version)}}, nil
}

// createCourseTransitionProblem answers an expected problem of add transition with its typed response.
func createCourseTransitionProblem(p *api.Problem) (api.CreateCourseTransitionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.CreateCourseTransition400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.CreateCourseTransition403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.CreateCourseTransition404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sConflict:
		return api.CreateCourseTransition409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: courseConflict(p)}, nil
	case sPrecondition:
		return api.CreateCourseTransition412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.CreateCourseTransition422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("add transition", p.Status)
}
