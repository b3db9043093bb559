package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// UpdateCohort applies a JSON Merge Patch to a cohort under an optimistic precondition.
func (s *Server) UpdateCohort(ctx context.Context, req api.UpdateCohortRequestObject) (api.UpdateCohortResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return nil, bodyRequired(ctx)
	}
	o, err := s.cohorts.update(ctx, req.Id, req.Params.IfMatch, body.Version, body)
	if err != nil {
		return nil, err
	}
	return api.UpdateCohort200JSONResponse{Body: o.rec, Headers: api.UpdateCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
}
