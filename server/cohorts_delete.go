package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// DeleteCohort soft-deletes a cohort under an optimistic precondition.
func (s *Server) DeleteCohort(ctx context.Context, req api.DeleteCohortRequestObject) (api.DeleteCohortResponseObject, error) {
	o, err := s.cohorts.delete(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	return api.DeleteCohort200JSONResponse{Body: o.rec, Headers: api.DeleteCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
}
