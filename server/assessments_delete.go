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

// DeleteAssessment soft-deletes an assessment under an optimistic precondition.
func (s *Server) DeleteAssessment(ctx context.Context, req api.DeleteAssessmentRequestObject) (api.DeleteAssessmentResponseObject, error) {
	if p := requireWriter(ctx); p != nil {
		return api.DeleteAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Assessment, req.Id)
	if p != nil {
		return api.DeleteAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	expected, p := precondition(ctx, req.Params.IfMatch, nil)
	if p != nil {
		if p.Status == http.StatusPreconditionRequired {
			return api.DeleteAssessment428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*p)}, nil
		}
		return api.DeleteAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := s.store.Assessments.Delete(ctx, id, expected)
	var vm *store.VersionMismatchError
	switch {
	case store.IsNotFound(err):
		return api.DeleteAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "assessment", req.Id))}, nil
	case errors.As(err, &vm):
		return api.DeleteAssessment412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(staleVersion(ctx, vm.Expected, vm.Current))}, nil
	case err != nil:
		return nil, fmt.Errorf("delete assessment: %w", err)
	}
	return api.DeleteAssessment200JSONResponse{Body: toAPIAssessment(c), Headers: api.DeleteAssessment200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
