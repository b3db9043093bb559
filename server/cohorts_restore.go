package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
)

// RestoreCohort undoes the soft delete of a cohort.
func (s *Server) RestoreCohort(ctx context.Context, req api.RestoreCohortRequestObject) (api.RestoreCohortResponseObject, error) {
	o, err := s.cohorts.restore(ctx, req.Id, req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	switch o.status() {
	case 0:
		return api.RestoreCohort200JSONResponse{Body: o.rec, Headers: api.RestoreCohort200ResponseHeaders{ETag: etag(o.version)}}, nil
	case sBadRequest:
		return api.RestoreCohort400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sForbidden:
		return api.RestoreCohort403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sNotFound:
		return api.RestoreCohort404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sConflict:
		return api.RestoreCohort409ApplicationProblemPlusJSONResponse{ConflictApplicationProblemPlusJSONResponse: api.ConflictApplicationProblemPlusJSONResponse(*o.problem)}, nil
	case sPrecondition:
		return api.RestoreCohort412ApplicationProblemPlusJSONResponse{PreconditionFailedApplicationProblemPlusJSONResponse: api.PreconditionFailedApplicationProblemPlusJSONResponse(*o.problem)}, nil
	}
	return nil, unexpectedStatus("restore cohort", o.status())
}
