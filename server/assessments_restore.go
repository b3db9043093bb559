package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// RestoreAssessment undoes a soft delete.
func (s *Server) RestoreAssessment(ctx context.Context, req api.RestoreAssessmentRequestObject) (api.RestoreAssessmentResponseObject, error) {
	if p := requireRestorer(ctx); p != nil {
		return api.RestoreAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	id, p := parseID(ctx, typeid.Assessment, req.Id)
	if p != nil {
		return api.RestoreAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	expected, p := optionalPrecondition(ctx, req.Params.IfMatch)
	if p != nil {
		return api.RestoreAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	c, err := s.store.Assessments.Restore(ctx, id, expected)
	var vm *store.VersionMismatchError
	switch {
	case store.IsNotFound(err):
		return api.RestoreAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(notFound(ctx, "assessment", req.Id))}, nil
	case errors.Is(err, store.ErrNotDeleted):
		return api.RestoreAssessment409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(withCode(newProblem(ctx, kindConflict, "assessment "+req.Id+" is not deleted"), "not_deleted"))}, nil
	case errors.As(err, &vm):
		return api.RestoreAssessment412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(staleVersion(ctx, vm.Expected, vm.Current))}, nil
	case err != nil:
		return nil, fmt.Errorf("restore assessment: %w", err)
	}
	return api.RestoreAssessment200JSONResponse{Body: toAPIAssessment(c), Headers: api.RestoreAssessment200ResponseHeaders{ETag: etag(c.Version)}}, nil
}
