package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GetCohort returns one cohort.
func (s *Server) GetCohort(ctx context.Context, req api.GetCohortRequestObject) (api.GetCohortResponseObject, error) {
	id, p := parseID(ctx, typeid.Cohort, req.Id)
	if p != nil {
		return api.GetCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	withDeleted := deref(req.Params.ShowDeleted)
	if withDeleted {
		if p := requireAdmin(ctx, "show_deleted"); p != nil {
			return api.GetCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
		}
	}
	c, err := s.store.Cohorts.Get(ctx, id, withDeleted)
	switch {
	case store.IsNotFound(err):
		return api.GetCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "cohort", req.Id))}, nil
	case err != nil:
		return nil, fmt.Errorf("get cohort: %w", err)
	}
	return api.GetCohort200JSONResponse{Body: toAPICohort(c), Headers: api.GetCohort200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
