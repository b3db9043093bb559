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

// UpdateCohort applies a JSON Merge Patch to a cohort under an optimistic precondition.
func (s *Server) UpdateCohort(ctx context.Context, req api.UpdateCohortRequestObject) (api.UpdateCohortResponseObject, error) {
	if p := requireWriter(ctx); p != nil {
		return api.UpdateCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Cohort, req.Id)
	if p != nil {
		return api.UpdateCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return api.UpdateCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(newProblem(ctx, kindBadRequest, "a request body is required"))}, nil
	}
	expected, p := precondition(ctx, req.Params.IfMatch, body.Version)
	if p != nil {
		if p.Status == http.StatusPreconditionRequired {
			return api.UpdateCohort428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*p)}, nil
		}
		return api.UpdateCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := s.store.Cohorts.Update(ctx, id, expected, func(cur *store.Cohort) error {
		merged, err := mergeInto[api.CohortCreate](toAPICohort(cur), body)
		if err != nil {
			return err
		}
		next, err := toModelCohort(merged)
		if err != nil {
			return err
		}
		*cur = next
		return nil
	})
	var (
		vm *store.VersionMismatchError
		ve *store.ValidationError
	)
	switch {
	case store.IsNotFound(err):
		return api.UpdateCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "cohort", req.Id))}, nil
	case errors.As(err, &vm):
		return api.UpdateCohort412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(staleVersion(ctx, vm.Expected, vm.Current))}, nil
	case errors.As(err, &ve):
		return api.UpdateCohort422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(validationProblem(ctx, ve))}, nil
	case err != nil:
		return nil, fmt.Errorf("update cohort: %w", err)
	}
	return api.UpdateCohort200JSONResponse{Body: toAPICohort(c), Headers: api.UpdateCohort200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
