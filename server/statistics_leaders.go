package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

const leaderboardDefaultLimit = 10

// GetLeaderboard ranks the learners of the window by points, then completions, then name.
func (s *Server) GetLeaderboard(ctx context.Context, req api.GetLeaderboardRequestObject) (api.GetLeaderboardResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	w, err := rptWindow(ctx, req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	limit := leaderboardDefaultLimit
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	leaders, err := s.reports.Leaderboard(ctx, w, limit)
	if err != nil {
		return nil, err
	}
	return api.GetLeaderboard200JSONResponse(toAPILeaderboard(w, leaders)), nil
}
