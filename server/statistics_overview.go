package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsOverview returns the overview scope of the statistics: users, courses and
// assignments now, and events in the window.
func (s *Server) GetStatisticsOverview(ctx context.Context, req api.GetStatisticsOverviewRequestObject) (api.GetStatisticsOverviewResponseObject, error) {
	if p := needPerm(ctx, auth.PermCommonStat, false); p != nil {
		return api.GetStatisticsOverview403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	w, p := rptWindow(ctx, req.Params.From, req.Params.To)
	if p != nil {
		return api.GetStatisticsOverview400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	r, err := s.reports.StatisticsOverview(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsOverview200JSONResponse(toAPIStatOverview(w, r)), nil
}
