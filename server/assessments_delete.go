package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// DeleteAssessment soft-deletes an assessment under an optimistic precondition.
func (s *Server) DeleteAssessment(ctx context.Context, req api.DeleteAssessmentRequestObject) (api.DeleteAssessmentResponseObject, error) {
	o, err := s.assessments.delete(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	return api.DeleteAssessment200JSONResponse{Body: o.rec, Headers: api.DeleteAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
}
