package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// RestoreAssessment undoes the soft delete of an assessment.
func (s *Server) RestoreAssessment(ctx context.Context, req api.RestoreAssessmentRequestObject) (api.RestoreAssessmentResponseObject, error) {
	o, err := s.assessments.restore(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.RestoreAssessment200JSONResponse{Body: o.rec, Headers: api.RestoreAssessment200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.RestoreAssessment400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.RestoreAssessment403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.RestoreAssessment404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sConflict:
		return api.RestoreAssessment409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPrecondition:
		return api.RestoreAssessment412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("restore assessment", o.status())
}
