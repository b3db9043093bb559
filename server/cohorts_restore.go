package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// RestoreCohort undoes the soft delete of a cohort.
func (s *Server) RestoreCohort(ctx context.Context, req api.RestoreCohortRequestObject) (api.RestoreCohortResponseObject, error) {
	o, err := s.cohorts.restore(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	return api.RestoreCohort200JSONResponse{Body: o.rec, Headers: api.RestoreCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
}
