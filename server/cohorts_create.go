package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
)

// CreateCohort creates a cohort.
func (s *Server) CreateCohort(ctx context.Context, req api.CreateCohortRequestObject) (api.CreateCohortResponseObject, error) {
	if p := requireWriter(ctx); p != nil {
		return api.CreateCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := toModelCohort(*req.Body)
	if err == nil {
		err = s.store.Cohorts.Create(ctx, &c)
	}
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		return api.CreateCohort422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(validationProblem(ctx, ve))}, nil
	case err != nil:
		return nil, fmt.Errorf("create cohort: %w", err)
	}
	out := toAPICohort(&c)
	return api.CreateCohort201JSONResponse{Body: out, Headers: api.CreateCohort201ResponseHeaders{
		ETag: etag(c.Version), Location: ptr("/api/v1/learning/cohorts/" + out.Id),
	}}, nil
}
