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
	switch o.status() {
	case 0:
		return api.CreateCohort201JSONResponse{Body: o.rec, Headers: api.CreateCohort201ResponseHeaders{ETag: etag(o.version), Location: s.cohorts.location(o.rec.Id)}}, nil
	case sForbidden:
		return api.CreateCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sInvalid:
		return api.CreateCohort422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("create cohort", o.status())
}
