package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsPublishing returns the publishing scope: courses published in the window, per
// day, and those published now.
func (s *Server) GetStatisticsPublishing(ctx context.Context, req api.GetStatisticsPublishingRequestObject) (api.GetStatisticsPublishingResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	w, err := rptWindow(ctx, req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	r, err := s.reports.StatisticsPublishing(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsPublishing200JSONResponse(toAPIStatPublishing(w, r)), nil
}
