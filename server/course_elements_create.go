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
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return createCourseElementProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return createCourseElementProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return createCourseElementProblem(p)
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return createCourseElementProblem(&p)
	}
	section, p := courseBodyID(ctx, typeid.Section, "/sectionId", req.Body.SectionId)
	if p != nil {
		return createCourseElementProblem(p)
	}
	e, version, err := s.courses.Courses().AddElement(ctx, id, expected, toModelNewElement(*req.Body, section))
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return createCourseElementProblem(p)
		}
		return nil, err
	}
	return api.CreateCourseElement201JSONResponse{Body: toAPICourseElement(&e, courseWithAnswers), Headers: api.CreateCourseElement201ResponseHeaders{ETag: etag(version)}}, nil
}

// createCourseElementProblem answers an expected problem of add element with its typed response.
func createCourseElementProblem(p *api.Problem) (api.CreateCourseElementResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.CreateCourseElement400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.CreateCourseElement403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.CreateCourseElement404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.CreateCourseElement412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.CreateCourseElement422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("add element", p.Status)
}
