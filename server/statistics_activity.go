package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsActivity returns the activity scope: active learners and completions per day of
// the window.
func (s *Server) GetStatisticsActivity(ctx context.Context, req api.GetStatisticsActivityRequestObject) (api.GetStatisticsActivityResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	w, err := rptWindow(ctx, req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	r, err := s.reports.StatisticsActivity(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsActivity200JSONResponse(toAPIStatActivity(w, r)), nil
}
