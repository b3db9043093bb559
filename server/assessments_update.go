package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// UpdateAssessment applies a JSON Merge Patch to an assessment under an optimistic precondition.
func (s *Server) UpdateAssessment(ctx context.Context, req api.UpdateAssessmentRequestObject) (api.UpdateAssessmentResponseObject, error) {
	body := req.ApplicationMergePatchPlusJSONBody
	if body == nil {
		body = req.JSONBody
	}
	if body == nil { // the contract requires a body; this guards a misconfigured validator
		return api.UpdateAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(newProblem(ctx, kindBadRequest, "a request body is required"))}, nil
	}
	o, err := s.assessments.update(ctx, req.Id, req.Params.IfMatch, body.Version, body)
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.UpdateAssessment200JSONResponse{Body: o.rec, Headers: api.UpdateAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.UpdateAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.UpdateAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.UpdateAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPrecondition:
		return api.UpdateAssessment412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sInvalid:
		return api.UpdateAssessment422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPreconditionR:
		return api.UpdateAssessment428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("update assessment", o.status())
}
