package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// GetAssessment returns one assessment.
func (s *Server) GetAssessment(ctx context.Context, req api.GetAssessmentRequestObject) (api.GetAssessmentResponseObject, error) {
	o, err := s.assessments.get(ctx, req.Id, deref(req.Params.ShowDeleted))
	if err != nil {
		return nil, err
	}
	return api.GetAssessment200JSONResponse{Body: o.rec, Headers: api.GetAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
}
