package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// CreateCohort creates a cohort.
func (s *Server) CreateCohort(ctx context.Context, req api.CreateCohortRequestObject) (api.CreateCohortResponseObject, error) {
	o, err := s.cohorts.create(ctx, *req.Body)
	if err != nil {
		return nil, err
	}
	return api.CreateCohort201JSONResponse{Body: o.rec, Headers: api.CreateCohort201ResponseHeaders{ETag: etag(o.version), Location: s.cohorts.location(o.rec.Id)}}, nil
}
