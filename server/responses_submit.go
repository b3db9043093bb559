package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// SubmitAssessmentResponse records the caller's answers to an open assessment (replacing
// their previous response), scored by question weight. Any role may answer; the token
// needs the write scope.
func (s *Server) SubmitAssessmentResponse(ctx context.Context, req api.SubmitAssessmentResponseRequestObject) (api.SubmitAssessmentResponseResponseObject, error) {
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	id, err := parseID(ctx, typeid.Assessment, string(req.Id))
	if err != nil {
		return nil, err
	}
	if req.Body == nil {
		return nil, bodyRequired(ctx)
	}
	r, _, err := s.learning.Assessments.SubmitResponse(ctx, id, toModelAnswers(req.Body.Answers))
	if err != nil {
		return nil, about(err, "assessment "+string(req.Id)) // the store names the operation
	}
	return api.SubmitAssessmentResponse200JSONResponse{Body: toAPIAssessmentResponse(r)}, nil
}
