package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// GetAssessment returns one assessment.
func (s *Server) GetAssessment(ctx context.Context, req api.GetAssessmentRequestObject) (api.GetAssessmentResponseObject, error) {
	o, err := s.assessments.get(ctx, req.Id, deref(req.Params.ShowDeleted))
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.GetAssessment200JSONResponse{Body: o.rec, Headers: api.GetAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.GetAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.GetAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.GetAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("get assessment", o.status())
}
