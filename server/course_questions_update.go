package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// UpdateQuizQuestion applies a merge patch to a quiz question.
func (s *Server) UpdateQuizQuestion(ctx context.Context, req api.UpdateQuizQuestionRequestObject) (api.UpdateQuizQuestionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return updateQuizQuestionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return updateQuizQuestionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return updateQuizQuestionProblem(p)
	}
	question, p := pathID(ctx, typeid.Question, "questionId", req.QuestionId)
	if p != nil {
		return updateQuizQuestionProblem(p)
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		p := newProblem(ctx, kindBadRequest, "a request body is required")
		return updateQuizQuestionProblem(&p)
	}
	q, version, err := s.courses.Courses().UpdateQuestion(ctx, id, question, expected, toModelQuestionChange(*body))
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return updateQuizQuestionProblem(p)
		}
		return nil, err
	}
	return api.UpdateQuizQuestion200JSONResponse{Body: toAPIQuizQuestion(&q, courseWithAnswers), Headers: api.UpdateQuizQuestion200ResponseHeaders{ETag: etag(version)}}, nil
}

// updateQuizQuestionProblem answers an expected problem of update question with its typed response.
func updateQuizQuestionProblem(p *api.Problem) (api.UpdateQuizQuestionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.UpdateQuizQuestion400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.UpdateQuizQuestion403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.UpdateQuizQuestion404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.UpdateQuizQuestion412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	case sInvalid:
		return api.UpdateQuizQuestion422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: courseInvalid(p)}, nil
	}
	return nil, unexpectedStatus("update question", p.Status)
}
