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

// UpdateAssessment applies a JSON Merge Patch to an assessment under an optimistic precondition.
func (s *Server) UpdateAssessment(ctx context.Context, req api.UpdateAssessmentRequestObject) (api.UpdateAssessmentResponseObject, error) {
	if p := requireWriter(ctx); p != nil {
		return api.UpdateAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Assessment, req.Id)
	if p != nil {
		return api.UpdateAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil {
		return api.UpdateAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(newProblem(ctx, kindBadRequest, "a request body is required"))}, nil
	}
	expected, p := precondition(ctx, req.Params.IfMatch, body.Version)
	if p != nil {
		if p.Status == http.StatusPreconditionRequired {
			return api.UpdateAssessment428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*p)}, nil
		}
		return api.UpdateAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := s.store.Assessments.Update(ctx, id, expected, func(cur *store.Assessment) error {
		merged, err := mergeInto[api.AssessmentCreate](toAPIAssessment(cur), body)
		if err != nil {
			return err
		}
		next, err := toModelAssessment(merged)
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
		return api.UpdateAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "assessment", req.Id))}, nil
	case errors.As(err, &vm):
		return api.UpdateAssessment412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(staleVersion(ctx, vm.Expected, vm.Current))}, nil
	case errors.As(err, &ve):
		return api.UpdateAssessment422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(validationProblem(ctx, ve))}, nil
	case err != nil:
		return nil, fmt.Errorf("update assessment: %w", err)
	}
	return api.UpdateAssessment200JSONResponse{Body: toAPIAssessment(c), Headers: api.UpdateAssessment200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
