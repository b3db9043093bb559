package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// UpdateAssessment applies a JSON Merge Patch to an assessment under an optimistic precondition.
func (s *Server) UpdateAssessment(ctx context.Context, req api.UpdateAssessmentRequestObject) (api.UpdateAssessmentResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	o, err := s.assessments.update(ctx, req.Id, req.Params.IfMatch, body.Version, body)
	if err != nil {
		return nil, err
	}
	return api.UpdateAssessment200JSONResponse{Body: o.rec, Headers: api.UpdateAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
}
