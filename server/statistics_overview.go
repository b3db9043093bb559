package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsOverview returns the overview scope of the statistics: users, courses and
// assignments now, and events in the window.
func (s *Server) GetStatisticsOverview(ctx context.Context, req api.GetStatisticsOverviewRequestObject) (api.GetStatisticsOverviewResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	w, err := rptWindow(ctx, req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	r, err := s.reports.StatisticsOverview(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsOverview200JSONResponse(toAPIStatOverview(w, r)), nil
}
