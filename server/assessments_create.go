package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// CreateAssessment creates an assessment.
func (s *Server) CreateAssessment(ctx context.Context, req api.CreateAssessmentRequestObject) (api.CreateAssessmentResponseObject, error) {
	o, err := s.assessments.create(ctx, *req.Body)
	if err != nil {
		return nil, err
	}
	return api.CreateAssessment201JSONResponse{Body: o.rec, Headers: api.CreateAssessment201ResponseHeaders{ETag: etag(o.version), Location: s.assessments.location(o.rec.Id)}}, nil
}
