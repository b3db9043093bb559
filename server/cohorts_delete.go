package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// DeleteCohort soft-deletes a cohort under an optimistic precondition.
func (s *Server) DeleteCohort(ctx context.Context, req api.DeleteCohortRequestObject) (api.DeleteCohortResponseObject, error) {
	o, err := s.cohorts.delete(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.DeleteCohort200JSONResponse{Body: o.rec, Headers: api.DeleteCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.DeleteCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.DeleteCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.DeleteCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPrecondition:
		return api.DeleteCohort412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPreconditionR:
		return api.DeleteCohort428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("delete cohort", o.status())
}
