package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// UpdateCohort applies a JSON Merge Patch to a cohort under an optimistic precondition.
func (s *Server) UpdateCohort(ctx context.Context, req api.UpdateCohortRequestObject) (api.UpdateCohortResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		return api.UpdateCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(newProblem(ctx, kindBadRequest, "a request body is required"))}, nil
	}
	o, err := s.cohorts.update(ctx, req.Id, req.Params.IfMatch, body.Version, body)
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.UpdateCohort200JSONResponse{Body: o.rec, Headers: api.UpdateCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.UpdateCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.UpdateCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.UpdateCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPrecondition:
		return api.UpdateCohort412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sInvalid:
		return api.UpdateCohort422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPreconditionR:
		return api.UpdateCohort428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("update cohort", o.status())
}
