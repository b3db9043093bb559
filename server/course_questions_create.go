package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CreateQuizQuestion adds a question to a quiz element.
func (s *Server) CreateQuizQuestion(ctx context.Context, req api.CreateQuizQuestionRequestObject) (api.CreateQuizQuestionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return createQuizQuestionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return createQuizQuestionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return createQuizQuestionProblem(p)
	}
	element, p := pathID(ctx, typeid.Element, "elementId", req.ElementId)
	if p != nil {
		return createQuizQuestionProblem(p)
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return createQuizQuestionProblem(&p)
	}
	q, version, err := s.courses.Courses().AddQuestion(ctx, id, element, expected, toModelNewQuestion(*req.Body))
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return createQuizQuestionProblem(p)
		}
		return nil, err
	}
	return api.CreateQuizQuestion201JSONResponse{Body: toAPIQuizQuestion(&q, courseWithAnswers), Headers: api.CreateQuizQuestion201ResponseHeaders{ETag: etag(version)}}, nil
}

// createQuizQuestionProblem answers an expected problem of add question with its typed response.
func createQuizQuestionProblem(p *api.Problem) (api.CreateQuizQuestionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.CreateQuizQuestion400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.CreateQuizQuestion403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.CreateQuizQuestion404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.CreateQuizQuestion412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.CreateQuizQuestion422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("add question", p.Status)
}
