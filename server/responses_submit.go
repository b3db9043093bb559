package server

import (
	"context"
	"errors"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// SubmitAssessmentResponse records the caller's answers to an open assessment (replacing
// their previous response), scored by question weight. Any role may answer; the token
// needs the write scope.
func (s *Server) SubmitAssessmentResponse(ctx context.Context, req api.SubmitAssessmentResponseRequestObject) (api.SubmitAssessmentResponseResponseObject, error) {
	if p := needScope(ctx, true); p != nil {
		return api.SubmitAssessmentResponse403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Assessment, string(req.Id))
	if p != nil {
		return api.SubmitAssessmentResponse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	if req.Body == nil { // the contract requires a body; this guards a misconfigured validator
		return api.SubmitAssessmentResponse400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(newProblem(ctx, kindBadRequest, "a request body is required"))}, nil
	}
	r, _, err := s.learning.Assessments.SubmitResponse(ctx, id, toModelAnswers(req.Body.Answers))
	var (
		notOpen *learning.AssessmentNotOpenError
		invalid *store.ValidationError
	)
	switch {
	case err == nil:
		return api.SubmitAssessmentResponse200JSONResponse(toAPIAssessmentResponse(r)), nil
	case learning.IsNotFound(err):
		return api.SubmitAssessmentResponse404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "assessment", string(req.Id)))}, nil
	case errors.As(err, &notOpen):
		pr := withCode(newProblem(ctx, kindConflict, "assessment "+string(req.Id)+" is "+notOpen.Status+"; responses are accepted only while it is open"), "assessment_not_open")
		return api.SubmitAssessmentResponse409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(pr)}, nil
	case errors.Is(err, learning.ErrNoInlineQuestions):
		pr := withCode(newProblem(ctx, kindConflict, "assessment "+string(req.Id)+" has no inline questions to answer"), "no_inline_questions")
		return api.SubmitAssessmentResponse409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(pr)}, nil
	case errors.As(err, &invalid):
		return api.SubmitAssessmentResponse422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(validationProblem(ctx, invalid))}, nil
	}
	return nil, err // the store names the operation
}
