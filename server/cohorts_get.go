package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// GetCohort returns one cohort.
func (s *Server) GetCohort(ctx context.Context, req api.GetCohortRequestObject) (api.GetCohortResponseObject, error) {
	o, err := s.cohorts.get(ctx, req.Id, deref(req.Params.ShowDeleted))
	if err != nil {
		return nil, err
	}
	return api.GetCohort200JSONResponse{Body: o.rec, Headers: api.GetCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
}
