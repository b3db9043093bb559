package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// DeleteAssessment soft-deletes an assessment under an optimistic precondition.
func (s *Server) DeleteAssessment(ctx context.Context, req api.DeleteAssessmentRequestObject) (api.DeleteAssessmentResponseObject, error) {
	o, err := s.assessments.delete(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.DeleteAssessment200JSONResponse{Body: o.rec, Headers: api.DeleteAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.DeleteAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.DeleteAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.DeleteAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPrecondition:
		return api.DeleteAssessment412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPreconditionR:
		return api.DeleteAssessment428ApplicationProblemPlusJSONResponse{PreconditionRequiredApplicationProblemPlusJSONResponse: api.PreconditionRequiredApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("delete assessment", o.status())
}
