package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// DeleteQuizQuestion deletes a quiz question.
func (s *Server) DeleteQuizQuestion(ctx context.Context, req api.DeleteQuizQuestionRequestObject) (api.DeleteQuizQuestionResponseObject, error) {
	if p := needPerm(ctx, auth.PermCourseEdit, true); p != nil {
		return deleteQuizQuestionProblem(p)
	}
	id, p := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if p != nil {
		return deleteQuizQuestionProblem(p)
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return deleteQuizQuestionProblem(p)
	}
	question, p := pathID(ctx, typeid.Question, "questionId", req.QuestionId)
	if p != nil {
		return deleteQuizQuestionProblem(p)
	}
	version, err := s.courses.Courses().DeleteQuestion(ctx, id, question, expected)
	if err != nil {
		if p := courseProblem(ctx, err); p != nil {
			return deleteQuizQuestionProblem(p)
		}
		return nil, err
	}
	return api.DeleteQuizQuestion204Response{Headers: api.DeleteQuizQuestion204ResponseHeaders{ETag: etag(version)}}, nil
}

// deleteQuizQuestionProblem answers an expected problem of delete question with its typed response.
func deleteQuizQuestionProblem(p *api.Problem) (api.DeleteQuizQuestionResponseObject, error) {
	switch p.Status {
	case sBadRequest:
		return api.DeleteQuizQuestion400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: courseBadRequest(p)}, nil
	case sForbidden:
		return api.DeleteQuizQuestion403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: courseForbidden(p)}, nil
	case sNotFound:
		return api.DeleteQuizQuestion404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: courseNotFound(p)}, nil
	case sPrecondition:
		return api.DeleteQuizQuestion412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: courseStale(p)}, nil
	}
	return nil, unexpectedStatus("delete question", p.Status)
}
