package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsPublishing returns the publishing scope: courses published in the window, per
// day, and those published now.
func (s *Server) GetStatisticsPublishing(ctx context.Context, req api.GetStatisticsPublishingRequestObject) (api.GetStatisticsPublishingResponseObject, error) {
	if p := needPerm(ctx, auth.PermCommonStat, false); p != nil {
		return api.GetStatisticsPublishing403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	w, p := rptWindow(ctx, req.Params.From, req.Params.To)
	if p != nil {
		return api.GetStatisticsPublishing400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	r, err := s.reports.StatisticsPublishing(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsPublishing200JSONResponse(toAPIStatPublishing(w, r)), nil
}
