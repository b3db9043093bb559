package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// DeleteCohort soft-deletes a cohort under an optimistic precondition.
func (s *Server) DeleteCohort(ctx context.Context, req api.DeleteCohortRequestObject) (api.DeleteCohortResponseObject, error) {
	if p := requireWriter(ctx); p != nil {
		return api.DeleteCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Cohort, req.Id)
	if p != nil {
		return api.DeleteCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	expected, p := precondition(ctx, req.Params.IfMatch, nil)
	if p != nil {
		if p.Status == http.StatusPreconditionRequired {
			return api.DeleteCohort428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*p)}, nil
		}
		return api.DeleteCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := s.store.Cohorts.Delete(ctx, id, expected)
	var vm *store.VersionMismatchError
	switch {
	case store.IsNotFound(err):
		return api.DeleteCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "cohort", req.Id))}, nil
	case errors.As(err, &vm):
		return api.DeleteCohort412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(staleVersion(ctx, vm.Expected, vm.Current))}, nil
	case err != nil:
		return nil, fmt.Errorf("delete cohort: %w", err)
	}
	return api.DeleteCohort200JSONResponse{Body: toAPICohort(c), Headers: api.DeleteCohort200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
