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
	switch o.status() {
	case 0:
		return api.GetCohort200JSONResponse{Body: o.rec, Headers: api.GetCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.GetCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.GetCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.GetCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("get cohort", o.status())
}
