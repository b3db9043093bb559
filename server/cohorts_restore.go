package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// RestoreCohort undoes a soft delete.
func (s *Server) RestoreCohort(ctx context.Context, req api.RestoreCohortRequestObject) (api.RestoreCohortResponseObject, error) {
	if p := requireRestorer(ctx); p != nil {
		return api.RestoreCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Cohort, req.Id)
	if p != nil {
		return api.RestoreCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return api.RestoreCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := s.store.Cohorts.Restore(ctx, id, expected)
	var vm *store.VersionMismatchError
	switch {
	case store.IsNotFound(err):
		return api.RestoreCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "cohort", req.Id))}, nil
	case errors.Is(err, store.ErrNotDeleted):
		return api.RestoreCohort409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(withCode(newProblem(ctx, kindConflict, "cohort "+req.Id+" is not deleted"), "not_deleted"))}, nil
	case errors.As(err, &vm):
		return api.RestoreCohort412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(staleVersion(ctx, vm.Expected, vm.Current))}, nil
	case err != nil:
		return nil, fmt.Errorf("restore cohort: %w", err)
	}
	return api.RestoreCohort200JSONResponse{Body: toAPICohort(c), Headers: api.RestoreCohort200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
