package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// RestoreAssessment undoes the soft delete of an assessment.
func (s *Server) RestoreAssessment(ctx context.Context, req api.RestoreAssessmentRequestObject) (api.RestoreAssessmentResponseObject, error) {
	o, err := s.assessments.restore(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	return api.RestoreAssessment200JSONResponse{Body: o.rec, Headers: api.RestoreAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
}
